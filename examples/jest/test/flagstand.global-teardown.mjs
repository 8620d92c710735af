export default async () => globalThis.__FLAGSTAND__.close();
