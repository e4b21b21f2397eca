/** The package version, for User-Agent headers, CEF headers and exports. */
import { createRequire } from 'node:module';

/** leakwatch's version from package.json. */
export const PRODUCT_VERSION: string = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
