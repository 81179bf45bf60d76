// Live updates: the server's event stream of status changes, and a slower re-read for changes made by
// other processes (which this server's backend is not told of). Either calls onChange.
import { useEffect, useRef, useState } from 'preact/hooks';

const POLL_MS = 4000;

export function useLive(onChange: () => void, instanceId?: string): boolean {
  const callback = useRef(onChange);
  callback.current = onChange;
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const soon = () => {
      clearTimeout(timer);
      timer = setTimeout(() => callback.current(), 100);
    };
    const source = new EventSource('/api/events');
    source.addEventListener('ready', () => setConnected(true));
    source.addEventListener('error', () => setConnected(false));
    source.addEventListener('change', (e) => {
      const data = JSON.parse((e as MessageEvent<string>).data) as { instanceId: string };
      if (instanceId === undefined || data.instanceId === instanceId) soon();
    });
    const poll = setInterval(() => callback.current(), POLL_MS);
    return () => {
      source.close();
      clearInterval(poll);
      clearTimeout(timer);
    };
  }, [instanceId]);
  return connected;
}
