// Fault scenarios start their own Postgres cluster and broker; each test passes its own bound as well.
jest.setTimeout(120000);
