import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { problems, Public } from '@newsroom/platform';
import { DASHBOARD_CSP, DashboardAssets, DashboardFile } from './dashboard-assets.service';

export const DASHBOARD_ASSETS = Symbol('DASHBOARD_ASSETS');

/**
 * The dashboard page at `/` and its two bundles under `/dashboard/`. Public even when reads need a key: the page
 * holds no data and asks for the key itself; every API call it makes is checked as usual. Left out of the
 * OpenAPI document (it is a page, not part of the API).
 */
@ApiExcludeController()
@Public()
@Controller()
export class DashboardController {
  constructor(@Inject(DASHBOARD_ASSETS) private readonly assets: DashboardAssets) {}

  @Get()
  page(@Req() req: Request, @Res() res: Response): void {
    const index = this.assets.index();
    if (!index) throw problems.notFound('The dashboard is not built: run `npm run build` (it runs scripts/build-dashboard.js).');
    // The API's policy forbids everything; the page needs its own script, stylesheet and same-origin API calls.
    res.setHeader('Content-Security-Policy', DASHBOARD_CSP);
    send(req, res, index);
  }

  @Get('dashboard/:file')
  asset(@Param('file') file: string, @Req() req: Request, @Res() res: Response): void {
    const found = this.assets.asset(file);
    if (!found) throw problems.notFound(`No dashboard file named ${JSON.stringify(file.slice(0, 100))}.`);
    send(req, res, found);
  }
}

function send(req: Request, res: Response, file: DashboardFile): void {
  res.setHeader('Cache-Control', file.cacheControl);
  res.setHeader('ETag', file.etag);
  if (req.headers['if-none-match'] === file.etag) {
    res.status(304).end();
    return;
  }
  res.setHeader('Content-Type', file.type);
  res.setHeader('Content-Length', String(file.body.length));
  res.status(200).end(req.method === 'HEAD' ? undefined : file.body);
}
