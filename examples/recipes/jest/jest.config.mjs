// The recipe's jest settings: ES modules as they are (no transform), in Node's environment.
// token-mock is ESM only, which jest loads when Node runs it with --experimental-vm-modules:
//   node --experimental-vm-modules node_modules/jest/bin/jest.js
export default {
  testEnvironment: 'node',
  transform: {},
  testMatch: ['**/*.test.mjs'],
};
