// Chai with chai-as-promised, for every suite.
import * as chai from 'chai';
import chaiAsPromised from 'chai-as-promised';

chai.use(chaiAsPromised);
export const { expect } = chai;
