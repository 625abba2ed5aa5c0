// Drives the official @microsoft/signalr client against a running Dealer Desk simulator.
// Usage: node hub_check.mjs BASE_URL CLIENT_ID CLIENT_SECRET PLATFORM_ID
// SIGNALR_TRANSPORT=WebSockets|ServerSentEvents|LongPolling forces the transport of negotiated connections.
// Prints one JSON object with what each scenario observed; tests/simulator/test_hub_js.py asserts on it.
import * as signalR from "@microsoft/signalr";

const [baseUrl, clientId, clientSecret, platform] = process.argv.slice(2);
const hubUrl = `${baseUrl}/hubs/mt4/v2?tradePlatform=${platform}`;
const TIMEOUT_MS = 10000;
const forced = process.env.SIGNALR_TRANSPORT ? { transport: signalR.HttpTransportType[process.env.SIGNALR_TRANSPORT] } : {};

async function fetchToken() {
  const response = await fetch(`${baseUrl}/connect/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret }),
  });
  if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
  return (await response.json()).access_token;
}

function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function build(options) {
  return new signalR.HubConnectionBuilder()
    .withUrl(hubUrl, { ...forced, ...options })
    .configureLogging(signalR.LogLevel.None)
    .build();
}

// Resolves with the first `count` OnTick payloads for `symbol`.
function collectTicks(connection, symbol, count) {
  return new Promise((resolve) => {
    const seen = [];
    const handler = (tick) => {
      if (tick.symbol !== symbol) return;
      seen.push(tick);
      if (seen.length === count) {
        connection.off("OnTick", handler);
        resolve(seen);
      }
    };
    connection.on("OnTick", handler);
  });
}

// Streams StreamTicks(...args), takes `count` items, then disposes the subscription (CancelInvocation).
function takeFromStream(connection, count, ...args) {
  return new Promise((resolve, reject) => {
    const items = [];
    const subscription = connection.stream("StreamTicks", ...args).subscribe({
      next: (item) => {
        items.push(item);
        if (items.length === count) {
          subscription.dispose();
          resolve(items);
        }
      },
      error: reject,
      complete: () => resolve(items),
    });
  });
}

async function rejection(promise) {
  try {
    await promise;
    return null;
  } catch (error) {
    return String(error.message ?? error);
  }
}

async function negotiated() {
  const connection = build({ accessTokenFactory: fetchToken });
  const status = new Promise((resolve) => connection.on("OnConnectionStatus", resolve));
  await withTimeout(connection.start(), "start (negotiate v1)");
  const result = { connectionId: connection.connectionId, transport: connection.connection.transport.constructor.name };
  result.status = await withTimeout(status, "OnConnectionStatus");
  const ticks = collectTicks(connection, "EURUSD", 3);
  result.subscribeResult = await connection.invoke("SubscribeToTicks", "EURUSD");
  result.ticks = await withTimeout(ticks, "OnTick EURUSD");
  await connection.invoke("UnsubscribeFromTicks", "EURUSD");
  result.streamOne = await withTimeout(takeFromStream(connection, 3, "GBPUSD"), "StreamTicks(GBPUSD)");
  result.streamAll = await withTimeout(takeFromStream(connection, 60), "StreamTicks()");
  result.unknownSymbolError = await rejection(connection.invoke("SubscribeToTicks", "NOPE"));
  result.unknownMethodError = await rejection(connection.invoke("NoSuchMethod", 1));
  result.stillConnected = connection.state === signalR.HubConnectionState.Connected;
  await connection.stop();
  result.finalState = connection.state;
  return result;
}

async function direct() {
  const connection = build({
    accessTokenFactory: fetchToken,
    skipNegotiation: true,
    transport: signalR.HttpTransportType.WebSockets,
  });
  const status = new Promise((resolve) => connection.on("OnConnectionStatus", resolve));
  await withTimeout(connection.start(), "start (skipNegotiation)");
  const result = { transport: "skipNegotiation" };
  result.status = await withTimeout(status, "OnConnectionStatus");
  const ticks = collectTicks(connection, "USDJPY", 2);
  await connection.invoke("SubscribeToTicks", "USDJPY");
  result.ticks = await withTimeout(ticks, "OnTick USDJPY");
  result.streamOne = await withTimeout(takeFromStream(connection, 2, "XAUUSD"), "StreamTicks(XAUUSD)");
  await connection.stop();
  result.finalState = connection.state;
  return result;
}

async function badToken() {
  const connection = build({ accessTokenFactory: () => "not-a-jwt" });
  return { error: await rejection(connection.start()), state: connection.state };
}

const output = {};
for (const [name, scenario] of Object.entries({ negotiated, direct, badToken })) {
  try {
    output[name] = await scenario();
  } catch (error) {
    output[name] = { failed: String(error.stack ?? error) };
  }
}
console.log(JSON.stringify(output));
process.exit(0);
