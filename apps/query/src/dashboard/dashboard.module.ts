import { Logger, Module } from '@nestjs/common';
import { DashboardAssets, defaultDashboardDir } from './dashboard-assets.service';
import { DASHBOARD_ASSETS, DashboardController } from './dashboard.controller';

@Module({
  controllers: [DashboardController],
  providers: [
    {
      provide: DASHBOARD_ASSETS,
      useFactory: () => {
        const assets = new DashboardAssets(defaultDashboardDir());
        if (!assets.built) new Logger('Dashboard').warn(`no dashboard in ${assets.dir}: run npm run build; GET / answers 404 until then`);
        return assets;
      },
    },
  ],
})
export class DashboardModule {}
