// Which methods a request path is answered with, from the route table: the 405 of the app and the
// 405s the OpenAPI document lists are worked out by the same rule.

/** A route as the method check sees it: method (upper case) and Hono path (`:name` parameters). */
export interface KnownRoute {
  readonly method: string
  readonly path: string
  readonly re: RegExp
}

/** `/v1/customers/:id` as a pattern matching a request path. */
const routePattern = (path: string): RegExp =>
  new RegExp(`^${path.replace(/:[A-Za-z]+/g, '[^/]+').replace(/\./g, '\\.')}$`)

/** The routes `{method, path}` (any case of method) ready for {@link allowedMethods}. */
export function knownRoutes(
  routes: readonly { readonly method: string; readonly path: string }[],
): KnownRoute[] {
  return routes.map((r) => ({
    method: r.method.toUpperCase(),
    path: r.path,
    re: routePattern(r.path),
  }))
}

/**
 * The methods answered on a request path, none for an unknown path. A path that a route spells
 * out is that route's alone: `/v1/jobs/tick` is not the job id "tick" of `GET /v1/jobs/:id`.
 */
export function allowedMethods(known: readonly KnownRoute[], path: string): string[] {
  const literal = known.filter((k) => k.path === path)
  const matched = literal.length > 0 ? literal : known.filter((k) => k.re.test(path))
  return [...new Set(matched.map((k) => k.method))]
}

/**
 * The methods to list in an Allow header (and a 405's details.allow): HEAD with GET, as it is
 * answered wherever GET is (Hono answers HEAD with the GET route).
 */
export function withHead(methods: readonly string[]): string[] {
  return methods.flatMap((m) => (m === 'GET' ? ['GET', 'HEAD'] : [m]))
}

/**
 * The paths that another route spells out and that `route`'s pattern matches, where `route`'s
 * method is not answered: requests there that look like `route`'s answer 405 (`GET
 * /v1/jobs/tick`, a job id to `GET /v1/jobs/:id`, is the tick's path, which only takes POST).
 */
export function shadowedPaths(
  known: readonly KnownRoute[],
  route: { readonly method: string; readonly path: string },
): string[] {
  const self = knownRoutes([route])[0]!
  const literals = new Set(
    known.filter((k) => k.path !== route.path && !k.path.includes(':')).map((k) => k.path),
  )
  return [...literals].filter(
    (p) => self.re.test(p) && !allowedMethods(known, p).includes(self.method),
  )
}
