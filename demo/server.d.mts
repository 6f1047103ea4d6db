// Types for demo/server.mjs (plain JS so that `node demo/serve.mjs` needs no build).

export interface DemoStatus {
  demo: 'steadysocket';
  /** package.json's version, read when the server started */
  version: string;
  /** the echo endpoint, ws://127.0.0.1:<port>/ws */
  ws: string;
  /** open WebSocket connections passing through the proxy */
  connections: number;
  /** connections silenced by a black-hole */
  held: number;
  /** ms left of a stop fault, 0 when none */
  stop: number;
  /** ms left of a black-hole fault, 0 when none */
  blackhole: number;
  /** the last 12 WebSocket connections, oldest first: what the conversation panels did on each */
  log: DemoConnection[];
}

export interface DemoConnection {
  /** the connection's number, from 1 since the server started */
  conn: number;
  open: boolean;
  /** `{"sub": topic}` frames received on this connection, by topic */
  subscribes: Record<string, number>;
  /** `{"unsub": topic}` frames received on this connection, by topic */
  unsubscribes: Record<string, number>;
  /** topics ticking on this connection now */
  topics: string[];
}

export interface DemoServer {
  /** http://127.0.0.1:<port>/ (the page) */
  url: string;
  /** ws://127.0.0.1:<port>/ws (the echo) */
  wsUrl: string;
  port: number;
  /** the same faults as the POST /fault/* endpoints; each returns the number of connections hit */
  fault: {
    drop(): number;
    stop(ms: number): number;
    blackhole(ms: number): number;
    heal(): void;
    status(): DemoStatus;
  };
  /** closes every connection, ends faults and stops listening */
  close(): Promise<void>;
}

export const root: string;
export function buildIfStale(options?: { log?: (msg: string) => void }): boolean;
export function startDemoServer(options?: {
  port?: number;
  fallback?: boolean;
  log?: (msg: string) => void;
}): Promise<DemoServer>;
