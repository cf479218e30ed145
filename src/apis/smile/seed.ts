/** Seeded Smile users: realistic, and identical for the same seed and clock start. */
import { isoSeconds } from '../../core/clock.js';
import type { Random } from '../../core/random.js';
import { seededFaker } from './faker.js';
import type { User, UserSession } from './users.js';

const DAY = 86_400_000;
const STATUSES: UserSession['status'][] = ['IN_PROGRESS', 'COMPLETED', 'REVOKED'];

/**
 * Makes `count` users created over the year before `start` (the mock clock's start, never the wall
 * clock later on), oldest first. Sessions cycle through every status and both channels.
 * @example seedUsers(25, 'tenant', createRandom(1), Date.parse('2026-01-01T00:00:00Z'))
 */
export function seedUsers(count: number, tenantId: string, random: Random, start: number): User[] {
  const faker = seededFaker(random.seed);
  const times = Array.from({ length: count }, () => start - DAY + 1 - Math.floor(random.next() * 364 * DAY)).sort((a, b) => a - b);
  return times.map((time, i) => {
    const id = `${tenantId}-${random.hex(32)}`;
    const user: User = { id, externalMetadata: {}, createdAt: isoSeconds(time), providers: [] };
    if (i % 3 !== 2) {
      user.externalMetadata = { crmId: `crm-${faker.string.numeric(8)}`, plan: faker.helpers.arrayElement(['free', 'pro', 'enterprise']) };
      if (i % 3 === 0) user.externalMetadata.email = faker.internet.email().toLowerCase();
    }
    if (i % 5 !== 4) {
      const winkSite = i % 2 === 0;
      const status = STATUSES[i % STATUSES.length] as UserSession['status'];
      user.session = winkSite ? { userId: id, channel: 'WinkSite', channelId: `site-${random.hex(32)}`, status } : { userId: id, channel: 'Default', status };
    }
    return user;
  });
}
