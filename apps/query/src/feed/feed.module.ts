import { Module } from '@nestjs/common';
import { FeedController } from './feed.controller';
import { FeedHub } from './feed-hub.service';

@Module({ controllers: [FeedController], providers: [FeedHub], exports: [FeedHub] })
export class FeedModule {}
