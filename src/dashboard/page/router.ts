// Hash routes: #/ is the list (its filters in the hash's query), #/instances/<id>?tab=… one instance, #/workers the live workers.
import { useEffect, useState } from 'preact/hooks';

export type Route = { view: 'list'; params: URLSearchParams } | { view: 'instance'; id: string; tab: string } | { view: 'workers' };

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  const match = /^\/instances\/(.+)$/.exec(path);
  if (match) return { view: 'instance', id: decodeURIComponent(match[1]!), tab: params.get('tab') ?? 'timeline' };
  if (path === '/workers') return { view: 'workers' };
  return { view: 'list', params };
}

export function instanceHref(id: string, tab?: string): string {
  return `#/instances/${encodeURIComponent(id)}${tab ? `?tab=${tab}` : ''}`;
}

export function listHref(params: URLSearchParams): string {
  const query = params.toString();
  return `#/${query ? `?${query}` : ''}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
