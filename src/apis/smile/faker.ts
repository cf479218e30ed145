/**
 * A seeded faker with the English locale.
 *
 * `@faker-js/faker`'s main entry evaluates every locale it ships (about 140 ms of a 350 ms start-up,
 * measured with `--cpu-prof` on `token-mock serve`); its `locale/en` entry evaluates English alone
 * but exports only a ready instance. Its class and merged definitions make a fresh instance that
 * draws exactly what `new Faker({ locale: [en, base], seed })` draws.
 */
import type { Faker } from '@faker-js/faker';
import { faker as english } from '@faker-js/faker/locale/en';

const EnglishFaker = english.constructor as typeof Faker;

/** @example seededFaker(1).internet.email() // the same address for seed 1, every run */
export function seededFaker(seed: number): Faker {
  return new EnglishFaker({ locale: english.rawDefinitions, seed });
}
