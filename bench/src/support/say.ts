/** Progress lines on stdout, prefixed so they read well between the apps' warnings. */
export function say(scope: string, message: string): void {
  const t = new Date().toISOString().slice(11, 19);
  process.stdout.write(`[bench ${t}] ${scope}: ${message}\n`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
