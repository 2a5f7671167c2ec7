import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';

/** `docker compose config` output, as far as the checks below read it. */
interface ComposeService {
  ports?: Array<string | { host_ip?: string; published: string; target: number }>;
  environment: Record<string, string>;
  depends_on: Record<string, { condition: string }>;
  command: string[];
}
interface ComposeFile {
  services: Record<string, ComposeService>;
}
const yaml = { load: (text: string) => load(text) as ComposeFile };

/**
 * Issue 11 point 9: docker-compose.yml ships no secret (no default admin key, no default Postgres password) and
 * publishes every port on 127.0.0.1 only. Checked with `docker-compose config`, which resolves the variables the
 * way `up` would.
 */
const ROOT = join(__dirname, '..', '..');
const COMPOSE = ['/usr/bin/docker-compose', '/usr/local/bin/docker-compose'].find((p) => existsSync(p));
const maybe = COMPOSE ? describe : describe.skip;
if (!COMPOSE) process.stderr.write('compose-defaults: docker-compose is not installed; skipped\n');

function config(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(NEWSROOM_|POSTGRES_|KAFKA_)/.test(k))) as Record<
    string,
    string
  >;
  return new Promise((resolve) => {
    execFile(
      COMPOSE!,
      ['-f', join(ROOT, 'docker-compose.yml'), 'config'],
      { cwd: ROOT, env: { ...clean, ...env }, timeout: 30000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** One Kafka password per user (issue 11 point 3): compose has no default for any of them. */
const KAFKA_USERS = ['admin', 'relay', 'projector', 'ingest', 'query', 'producer'] as const;
const kafkaPasswords = Object.fromEntries(
  KAFKA_USERS.map((u) => [`KAFKA_${u.toUpperCase()}_PASSWORD`, `test-${u}-password-0001`]),
) as Record<string, string>;
const secrets = { NEWSROOM_API_KEYS: 'an-operator-secret-0001:admin', POSTGRES_PASSWORD: 'a-long-test-password-1', ...kafkaPasswords };

maybe('docker-compose.yml: secrets required, ports on loopback only', () => {
  it('refuses to resolve without NEWSROOM_API_KEYS or POSTGRES_PASSWORD, naming what to set', async () => {
    const none = await config({});
    expect(none.code).not.toBe(0);
    expect(none.stderr).toMatch(/set (NEWSROOM_API_KEYS|POSTGRES_PASSWORD)/);
    const noKeys = await config({ POSTGRES_PASSWORD: 'a-long-test-password-1', ...kafkaPasswords });
    expect(noKeys.code).not.toBe(0);
    expect(noKeys.stderr).toMatch(/set NEWSROOM_API_KEYS \(secret:scope, secrets >= 16 chars\)/);
    const noPassword = await config({ NEWSROOM_API_KEYS: 'an-operator-secret-0001:admin', ...kafkaPasswords });
    expect(noPassword.code).not.toBe(0);
    expect(noPassword.stderr).toMatch(/set POSTGRES_PASSWORD/);
  }, 60000);

  it('with them set, every published port is bound to 127.0.0.1 and the secrets given are the ones used', async () => {
    const ok = await config(secrets);
    expect(ok.stderr).not.toMatch(/ERROR/);
    expect(ok.code).toBe(0);
    const doc = yaml.load(ok.stdout);
    const published: string[] = [];
    for (const [name, service] of Object.entries(doc.services)) {
      for (const p of service.ports ?? []) {
        const text = typeof p === 'string' ? p : `${p.host_ip ?? ''}:${p.published}:${p.target}`;
        published.push(`${name} ${text}`);
        expect(`${name} ${text}`).toMatch(new RegExp(`^${name} 127\\.0\\.0\\.1:\\d+:\\d+`));
      }
      const env = service.environment ?? {};
      if (env.NEWSROOM_API_KEYS !== undefined) expect(env.NEWSROOM_API_KEYS).toBe('an-operator-secret-0001:admin');
      if (env.DATABASE_URL !== undefined) expect(env.DATABASE_URL).toContain(':a-long-test-password-1@');
    }
    expect(published.length).toBe(6); // postgres, kafka and the four apps
    expect(doc.services.postgres.environment.POSTGRES_PASSWORD).toBe('a-long-test-password-1');
    const source = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    expect(source).not.toMatch(/dev-compose-change-me|postgres:postgres@|POSTGRES_PASSWORD: postgres/);
  }, 60000);

  it("refuses to resolve without each Kafka user's password, naming the one to set", async () => {
    for (const user of KAFKA_USERS) {
      const variable = `KAFKA_${user.toUpperCase()}_PASSWORD`;
      const without = await config({ ...secrets, [variable]: '' });
      expect(without.code).not.toBe(0);
      expect(without.stderr).toContain(`set ${variable}`);
    }
  }, 120000);

  it('runs Kafka with SASL users and ACLs: no anonymous listener, nothing allowed without an ACL, each app its own user', async () => {
    const ok = await config(secrets);
    expect(ok.code).toBe(0);
    const doc = yaml.load(ok.stdout);
    const kafka = doc.services.kafka.environment;
    // Every listener, the controller's too, asks for a login; no PLAINTEXT protocol is left.
    expect(
      String(kafka.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP)
        .split(',')
        .map((m) => m.split(':')[1]),
    ).toEqual(['SASL_PLAINTEXT', 'SASL_PLAINTEXT', 'SASL_PLAINTEXT']);
    expect(kafka.KAFKA_AUTHORIZER_CLASS_NAME).toBe('org.apache.kafka.metadata.authorizer.StandardAuthorizer');
    expect(String(kafka.KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND)).toBe('false');
    expect(kafka.KAFKA_SUPER_USERS).toBe('User:admin');
    expect(kafka.KAFKA_LISTENER_NAME_EXTERNAL_SASL_ENABLED_MECHANISMS).toBe('SCRAM-SHA-512');
    expect(kafka.KAFKA_LISTENER_NAME_CONTROLLER_PLAIN_SASL_JAAS_CONFIG).toContain('password="test-admin-password-0001"');
    for (const app of ['ingest', 'relay', 'projector', 'query']) {
      const env = doc.services[app].environment;
      expect({ app, mechanism: env.KAFKA_SASL_MECHANISM, user: env.KAFKA_SASL_USERNAME, password: env.KAFKA_SASL_PASSWORD }).toEqual({
        app,
        mechanism: 'scram-sha-512',
        user: app,
        password: `test-${app}-password-0001`,
      });
      expect(doc.services[app].depends_on['kafka-setup'].condition).toBe('service_completed_successfully');
    }
    // The setup creates every user and gives the producer the submissions topic only, the relay alone the events topic.
    const setup = doc.services['kafka-setup'];
    const script: string = setup.command.join('\n');
    for (const user of KAFKA_USERS.filter((u) => u !== 'admin'))
      expect(setup.environment[`${user.toUpperCase()}_PASSWORD`]).toBe(`test-${user}-password-0001`);
    const grants = script.split('\n').filter((l) => l.startsWith('acl --allow-principal'));
    expect(grants.filter((l) => l.includes('User:producer'))).toEqual([
      'acl --allow-principal User:producer --operation Write --operation Describe --topic newsroom.submissions.v1',
    ]);
    expect(grants.filter((l) => / --operation Write --topic newsroom\.events\.v1$/.test(l))).toEqual([
      expect.stringContaining('User:relay '),
    ]);
  }, 60000);
});
