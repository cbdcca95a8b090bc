// The web view's settings from AUDIT_WEB_*: defaults, trust proxy as its own setting, and errors naming the variable.
import { expect } from '../helpers/chai.js';
import { ConfigurationError } from '../../src/model/errors.js';
import { parseTrustProxy, webSettingsFromEnvironment } from '../../src/web/settings.js';

describe('web settings from the environment', () => {
  it('defaults: 127.0.0.1:3000, not secure, no proxy trusted', () => {
    expect(webSettingsFromEnvironment({})).to.deep.equal({ port: 3000, host: '127.0.0.1', secure: false, trustProxy: false });
  });

  it('AUDIT_WEB_SECURE no longer implies trusting a proxy', () => {
    expect(webSettingsFromEnvironment({ AUDIT_WEB_SECURE: '1' })).to.include({ secure: true, trustProxy: false });
    expect(webSettingsFromEnvironment({ AUDIT_WEB_SECURE: '1', AUDIT_WEB_TRUST_PROXY: '1' })).to.include({ secure: true, trustProxy: 1 });
  });

  it('trust proxy: off, a hop count, or addresses, subnets and named ranges; true is refused', () => {
    for (const off of [undefined, '', '0', 'false']) expect(parseTrustProxy(off)).to.equal(false);
    expect(parseTrustProxy('2')).to.equal(2);
    expect(parseTrustProxy('10.0.0.5, 10.0.0.0/8,loopback,::1,fd00::/8')).to.deep.equal(['10.0.0.5', '10.0.0.0/8', 'loopback', '::1', 'fd00::/8']);
    expect(() => parseTrustProxy('true')).to.throw(ConfigurationError, /"AUDIT_WEB_TRUST_PROXY" must not be true/);
    expect(() => parseTrustProxy('proxy.example.com')).to.throw(ConfigurationError, /"proxy\.example\.com": give a hop count/);
    expect(() => parseTrustProxy('10.0.0.0/33')).to.throw(ConfigurationError);
  });

  it('bad values name their variable', () => {
    expect(() => webSettingsFromEnvironment({ AUDIT_WEB_PORT: '70000' })).to.throw(ConfigurationError, /"AUDIT_WEB_PORT" must be a port number/);
    expect(() => webSettingsFromEnvironment({ AUDIT_WEB_SECURE: 'yes' })).to.throw(ConfigurationError, /"AUDIT_WEB_SECURE" must be 1 or 0/);
    expect(() => webSettingsFromEnvironment({ AUDIT_WEB_NAMESPACE: 'Prod-1' })).to.throw(ConfigurationError, /"AUDIT_WEB_NAMESPACE"/);
    expect(() => webSettingsFromEnvironment({ AUDIT_WEB_TIME_ZONE: 'Mars/Olympus' })).to.throw(ConfigurationError, /"AUDIT_WEB_TIME_ZONE" is not an IANA time zone/);
    expect(webSettingsFromEnvironment({ AUDIT_WEB_NAMESPACE: 'prod', AUDIT_WEB_TIME_ZONE: 'UTC', AUDIT_WEB_DATA_DIR: '/srv/x' })).to.include({ namespace: 'prod', timeZone: 'UTC', dataDir: '/srv/x' });
  });
});
