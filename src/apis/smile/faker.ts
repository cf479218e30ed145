/**
 * A seeded faker with the English definitions the mock draws from.
 *
 * `@faker-js/faker`'s main entry evaluates every locale it ships (about 140 ms of a 350 ms start-up,
 * measured with `--cpu-prof` on `token-mock serve`), and its `locale/en` entry the whole English one
 * (380 KB of literals). The `locale/base` entry carries faker's class with no language; given the
 * English `person`, `internet` and `company` modules (generated/faker-en.ts), it draws exactly what
 * `new Faker({ locale: [en, base], seed })` draws for the calls the mock makes (test/unit/faker.test.ts).
 */
import type { Faker } from '@faker-js/faker';
import { faker as base } from '@faker-js/faker/locale/base';
import { englishDefinitions } from '../../generated/faker-en.js';

const BaseFaker = base.constructor as typeof Faker;

/** @example seededFaker(1).internet.email() // the same address for seed 1, every run */
export function seededFaker(seed: number): Faker {
  return new BaseFaker({ locale: [englishDefinitions, base.rawDefinitions], seed });
}
