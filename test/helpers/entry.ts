/**
 * The entry a suite runs against: the full `steadysocket` (default) or, with
 * STEADY_ENTRY=core (the *-core vitest projects), `steadysocket/core`. Tests of a
 * feature the core doesn't have use `full.it`/`full.describe`, which skip on the core.
 */
import { describe, it } from 'vitest';
import { SteadySocket as Core } from '../../src/core';
import { SteadySocket as Full } from '../../src/index';

export const CORE = process.env.STEADY_ENTRY === 'core';
/** The class under test, typed as the full one (feature calls are in `full` tests only). */
export const SteadySocket = (CORE ? Core : Full) as typeof Full;
export type SteadySocket<C extends object = Record<string, unknown>> = Full<C>;
/** Tests of the full entry's features: skipped on the core. */
export const full = { it: it.skipIf(CORE), describe: describe.skipIf(CORE) };
