import { describe, expect, it } from 'vitest';
import { type ReceiverPolicy, receiverProblem } from '../../src/core/receiver-url.js';

const LINK_LOCAL = 'url points at a link-local address, which the mock never calls';
const METADATA = 'url points at a cloud metadata address, which the mock never calls';
const HTTP_DEFAULT = 'url must begin with https:// (or http:// on a loopback host; allow private and named hosts with --webhook-allow-private-http)';
const HTTP_PRIVATE = 'url must begin with https:// (plain http goes only to loopback, private addresses and named hosts)';

const rows: [string, { given: [string, ReceiverPolicy]; want: string | undefined }][] = [
  ['https to a public name', { given: ['https://hooks.example.com/smile', {}], want: undefined }],
  ['http on loopback', { given: ['http://127.0.0.1:9000/hook', {}], want: undefined }],
  ['http on localhost', { given: ['http://localhost:9000/hook', {}], want: undefined }],
  ['http on IPv6 loopback', { given: ['http://[::1]:9000/hook', {}], want: undefined }],
  ['http on loopback when https only', { given: ['http://127.0.0.1:9000/hook', { httpsOnly: true }], want: 'url must begin with https://' }],
  ['the AWS metadata address', { given: ['http://169.254.169.254/latest/meta-data', {}], want: LINK_LOCAL }],
  ['the AWS metadata address over https, private http allowed', { given: ['https://169.254.169.254/', { allowPrivateHttp: true }], want: LINK_LOCAL }],
  ['the metadata address written as one number', { given: ['http://2852039166/', { allowPrivateHttp: true }], want: LINK_LOCAL }],
  ['IPv4-mapped link-local', { given: ['https://[::ffff:169.254.169.254]/', {}], want: LINK_LOCAL }],
  ['IPv6 link-local', { given: ['https://[fe80::1]/', {}], want: LINK_LOCAL }],
  ["AWS's IPv6 metadata address", { given: ['http://[fd00:ec2::254]/', { allowPrivateHttp: true }], want: METADATA }],
  ["Alibaba's metadata address", { given: ['https://100.100.100.200/', {}], want: METADATA }],
  ["Google's metadata name", { given: ['https://metadata.google.internal/computeMetadata/v1/', {}], want: METADATA }],
  ['the unspecified address', { given: ['https://0.0.0.0/', {}], want: 'url points at a unspecified address, which the mock never calls' }],
  ['http to a compose service', { given: ['http://app:3000/hooks', {}], want: HTTP_DEFAULT }],
  ['http to a compose service, allowed', { given: ['http://app:3000/hooks', { allowPrivateHttp: true }], want: undefined }],
  ['http to a private address, allowed', { given: ['http://10.0.0.5/hooks', { allowPrivateHttp: true }], want: undefined }],
  ['http to a unique-local IPv6 address, allowed', { given: ['http://[fd12:3456::1]/hooks', { allowPrivateHttp: true }], want: undefined }],
  ['http to a public address, even with private http allowed', { given: ['http://8.8.8.8/hooks', { allowPrivateHttp: true }], want: HTTP_PRIVATE }],
  ['https to a private address', { given: ['https://192.168.1.10/hooks', {}], want: undefined }],
  ['another scheme', { given: ['ftp://example.com/', {}], want: 'url must begin with https://' }],
  ['not a URL', { given: ['not a url', {}], want: 'url "not a url" is not a valid URL' }],
];

describe('receiverProblem', () => {
  it.each(rows)('%s', (_name, { given, want }) => {
    expect(receiverProblem(...given)).toBe(want);
  });
});
