import { backendNamed } from '../contract/harness/backends.js';
import { describeFuzz } from './describeFuzz.js';
import { awsPlan, fuzzSetup } from './fuzzPlans.js';

/** A smaller set of fuzz requests on the AWS backend, on the emulator, in its own file so jest runs it beside the embedded one; see describeFuzz. */
const setup = fuzzSetup('aws');
describeFuzz(backendNamed('aws'), awsPlan(setup), setup);
