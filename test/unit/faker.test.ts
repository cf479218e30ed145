import type { Faker } from '@faker-js/faker';
import { faker as english } from '@faker-js/faker/locale/en';
import { describe, expect, it } from 'vitest';
import { seededFaker } from '../../src/apis/smile/faker.js';

const EnglishFaker = english.constructor as typeof Faker;

/** What the mock draws (apis/smile/seed.ts, apis/smile/events.ts), in a mixed order, for one seed. */
function draws(faker: Faker): string[] {
  const out: string[] = [];
  for (let i = 0; i < 40; i++) {
    out.push(faker.string.numeric(8), faker.helpers.arrayElement(['free', 'pro', 'enterprise']), faker.internet.email());
    if (i % 2 === 0) out.push(faker.person.fullName(), faker.company.name(), faker.person.jobTitle(), faker.internet.email());
  }
  return out;
}

describe('the seeded faker', () => {
  it('draws what the whole English locale draws, seed for seed', () => {
    for (let seed = 0; seed < 200; seed++) {
      const whole = new EnglishFaker({ locale: english.rawDefinitions, seed });
      expect(draws(seededFaker(seed)), `seed ${seed}`).toEqual(draws(whole));
    }
  });

  it('refuses a module it does not carry, rather than drawing something else', () => {
    expect(() => seededFaker(1).animal.dog()).toThrow(/animal/);
  });
});
