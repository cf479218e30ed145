/** What a WuKongIM snapshot must hold before it replaces the device slots and connections: its schema, and what a schema cannot say. */
import type { ErrorDetail } from '../../core/errors.js';
import { duplicateErrors, schemaErrors } from '../../core/validation.js';
import { schemas } from '../../generated/admin.operations.js';
import type { components } from '../../generated/admin.types.js';
import { slotKey } from './devices.js';

/** The WuKongIM part of a snapshot (openapi/admin.yaml `WukongimSnapshot`). */
export type WukongimSnapshot = components['schemas']['WukongimSnapshot'];

/**
 * Everything wrong with a saved WuKongIM state, as JSON Pointers into it: the schema, one slot per
 * (uid, device_flag), unique connection ids, and a next id above all of them.
 * @example checkWukongimState({ devices: { slots: [], statuses: [] }, connections: { connections: [], nextId: 1 } }) // []
 */
export function checkWukongimState(state: unknown): ErrorDetail[] {
  const errors = schemaErrors(schemas.WukongimSnapshot, state);
  if (errors.length > 0) return errors;
  const { devices, connections } = state as WukongimSnapshot;
  errors.push(
    ...duplicateErrors(
      devices.slots,
      (slot) => slotKey(slot.uid, slot.deviceFlag),
      (i) => `/devices/slots/${i}`,
      'slot (uid and deviceFlag)',
    ),
  );
  errors.push(
    ...duplicateErrors(
      connections.connections,
      (c) => c.connection_id,
      (i) => `/connections/connections/${i}/connection_id`,
      'connection',
    ),
  );
  let highest = 0;
  for (const connection of connections.connections) highest = Math.max(highest, connection.connection_id);
  // A next id at or below one in use would give a new connection the id of an existing one.
  if (connections.nextId <= highest) errors.push({ path: '/connections/nextId', message: `must be above every connection id, ${highest}` });
  return errors;
}
