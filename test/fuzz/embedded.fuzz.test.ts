import { backendNamed } from '../contract/harness/backends.js';
import { describeFuzz } from './describeFuzz.js';
import { embeddedPlan, fuzzSetup } from './fuzzPlans.js';

/** Property-based fuzzing of every operation in docs/openapi.yaml on the embedded (SQLite) backend; see describeFuzz. */
const setup = fuzzSetup('sqlite');
describeFuzz(backendNamed('sqlite'), embeddedPlan(setup), setup);
