/** Routes a method and path to an operation: a walk down a tree of path segments, never a scan of routes. */
import type { OperationSpec } from './operation.js';

interface Node {
  children: Map<string, Node>;
  param?: { name: string; node: Node };
  operations: Map<string, OperationSpec>;
}

/** The outcome of a lookup: an operation with its path parameters, a path with other methods, or nothing. */
export type RouteMatch =
  | { kind: 'operation'; operation: OperationSpec; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

const newNode = (): Node => ({ children: new Map(), operations: new Map() });

/** A router over the path templates of one or more operation tables. */
export interface Router {
  match(method: string, path: string): RouteMatch;
}

/**
 * Builds a router from operations whose paths are OpenAPI templates (`/users/{id}`), under `basePath`.
 * @example createRouter(Object.values(operations), '/v1').match('GET', '/v1/users/abc')
 */
export function createRouter(operations: Iterable<OperationSpec>, basePath = ''): Router {
  const root = newNode();
  for (const operation of operations) {
    let node = root;
    for (const segment of split(basePath + operation.path)) {
      const param = /^\{(.+)\}$/.exec(segment);
      if (param) {
        node.param ??= { name: param[1] as string, node: newNode() };
        node = node.param.node;
      } else {
        let child = node.children.get(segment);
        if (!child) {
          child = newNode();
          node.children.set(segment, child);
        }
        node = child;
      }
    }
    node.operations.set(operation.method, operation);
  }

  return {
    match(method, path) {
      const params: Record<string, string> = {};
      const node = walk(root, split(path), 0, params);
      if (!node || node.operations.size === 0) return { kind: 'not-found' };
      // HEAD is answered wherever GET is, as HTTP servers do (RFC 9110 §9.3.2); the adapter leaves out the body.
      const operation = node.operations.get(method) ?? (method === 'HEAD' ? node.operations.get('GET') : undefined);
      if (operation) return { kind: 'operation', operation, params };
      return { kind: 'method-not-allowed', allowed: [...node.operations.keys()] };
    },
  };
}

function split(path: string): string[] {
  const segments: string[] = [];
  let start = 0;
  for (let i = 0; i <= path.length; i++) {
    if (i === path.length || path.charCodeAt(i) === 47 /* / */) {
      if (i > start) segments.push(path.slice(start, i));
      start = i + 1;
    }
  }
  return segments;
}

/** Static segments win over parameters; a parameter is tried only when the static branch fails. */
function walk(node: Node, segments: string[], index: number, params: Record<string, string>): Node | undefined {
  if (index === segments.length) return node;
  const segment = segments[index] as string;
  const child = node.children.get(segment);
  if (child) {
    const found = walk(child, segments, index + 1, params);
    if (found && found.operations.size > 0) return found;
  }
  if (node.param) {
    let value: string;
    try {
      value = decodeURIComponent(segment);
    } catch {
      return undefined;
    }
    const found = walk(node.param.node, segments, index + 1, params);
    if (found) {
      params[node.param.name] = value;
      return found;
    }
  }
  return undefined;
}
