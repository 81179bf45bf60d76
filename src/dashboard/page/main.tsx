// The dashboard page: a header, then the list or one instance by the hash route.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { InfoJson } from '../api-types.js';
import { api } from './api.js';
import { InstanceView } from './instance-view.js';
import { ListView } from './list-view.js';
import { useRoute } from './router.js';
import { WorkersView } from './workers-view.js';

function App() {
  const route = useRoute();
  const [info, setInfo] = useState<InfoJson>();
  useEffect(() => {
    api.info().then(setInfo, () => undefined);
  }, []);
  return (
    <>
      <header class="top">
        <a class="brand" href="#/">
          <span class="logo" aria-hidden="true" />
          durabletask
        </a>
        {info?.readOnly && (
          <span class="ro" title="started with --read-only: actions are disabled">
            read-only
          </span>
        )}
        <a class="nav" href="#/workers">
          Workers
        </a>
        <span class="version">{info ? `v${info.version}` : ''}</span>
      </header>
      <main>
        {route.view === 'list' ? (
          <ListView params={route.params} />
        ) : route.view === 'workers' ? (
          <WorkersView />
        ) : (
          <InstanceView key={route.id} id={route.id} tab={route.tab} info={info} />
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
