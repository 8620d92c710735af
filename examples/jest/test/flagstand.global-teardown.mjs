export default async function globalTeardown() {
  await globalThis.__FLAGSTAND__.close();
}
