declare const __TRANSPORT_LAB_BUILD__: string | undefined;

/** The web build's id (`git describe` at build time), "dev" under Vite's dev server and in tests. */
export const BUILD_ID: string = typeof __TRANSPORT_LAB_BUILD__ === "string" ? __TRANSPORT_LAB_BUILD__ : "dev";
