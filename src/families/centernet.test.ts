import { realModelSuite } from './testing/real-model-suite.js';

realModelSuite('centernet');
