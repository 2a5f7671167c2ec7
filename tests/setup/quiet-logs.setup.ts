import { Logger } from '@nestjs/common';

// In-process components log through Nest's Logger; keep test output to what fails unless TEST_LOG is set.
if (!process.env.TEST_LOG) Logger.overrideLogger(false);
