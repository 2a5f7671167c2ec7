import { prepareDatabase } from './database';

// Run by `npm start` and the test command: creates the database named by DATABASE_URL and migrates it.
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/newsroom';
prepareDatabase(url)
  .then(({ created, migrations }) => {
    process.stdout.write(
      `database ${new URL(url).pathname.slice(1)}: ${created ? 'created' : 'exists'}; ` +
        `migrations run: ${migrations.length ? migrations.join(', ') : 'none pending'}\n`,
    );
  })
  .catch((error) => {
    process.stderr.write(`database preparation failed: ${error.message}\n`);
    process.exit(1);
  });
