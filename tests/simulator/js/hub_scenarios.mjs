// Scenarios of the official @microsoft/signalr client against a running Dealer Desk simulator, driven by pytest.
// Usage: node hub_scenarios.mjs SCENARIO BASE_URL CLIENT_ID CLIENT_SECRET MT4_PLATFORM MT5_PLATFORM
// SIGNALR_TRANSPORT=WebSockets|ServerSentEvents|LongPolling forces the transport of negotiated connections.
// Scenarios: mt4-streams, mt5, v1, reconnect (see tests/simulator/test_sim_hub_js_scenarios.py).
// Protocol with the test: at a sync point the script prints {"wait": NAME, ...} and reads one JSON line on
// stdin (the test has acted on the simulator and answers with what it did); the last line is {"result": {...}}.
import * as signalR from "@microsoft/signalr";
import readline from "node:readline";

const [scenario, baseUrl, clientId, clientSecret, mt4, mt5] = process.argv.slice(2);
const TIMEOUT_MS = 10000;
const forced = process.env.SIGNALR_TRANSPORT ? { transport: signalR.HttpTransportType[process.env.SIGNALR_TRANSPORT] } : {};
const input = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();

async function fetchToken() {
  const response = await fetch(`${baseUrl}/connect/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: clientId, client_secret: clientSecret }),
  });
  if (!response.ok) throw new Error(`token endpoint answered ${response.status}`);
  return (await response.json()).access_token;
}

function withTimeout(promise, what, ms = TIMEOUT_MS) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Asks the test to act on the simulator and returns its answer.
async function step(name, info = {}) {
  console.log(JSON.stringify({ wait: name, ...info }));
  const { value, done } = await withTimeout(input.next(), `the test at step ${name}`, 20000);
  if (done) throw new Error(`stdin closed at step ${name}`);
  return JSON.parse(value);
}

function build(path, options = {}, reconnect = null) {
  let builder = new signalR.HubConnectionBuilder()
    .withUrl(`${baseUrl}${path}`, { accessTokenFactory: fetchToken, ...forced, ...options })
    .configureLogging(signalR.LogLevel.None);
  if (reconnect) builder = builder.withAutomaticReconnect(reconnect);
  return builder.build();
}

async function rejection(promise) {
  try {
    await promise;
    return null;
  } catch (error) {
    return String(error.message ?? error);
  }
}

// Resolves with the first `count` ticks accepted by `pick(...args)` of callback `target`.
function collect(connection, target, count, pick) {
  return new Promise((resolve) => {
    const seen = [];
    const handler = (...args) => {
      const value = pick(...args);
      if (value === undefined) return;
      seen.push(value);
      if (seen.length === count) {
        connection.off(target, handler);
        resolve(seen);
      }
    };
    connection.on(target, handler);
  });
}

// Opens connection.stream(name) and keeps its items; waitFor(predicate) resolves with the first match.
function openStream(connection, name) {
  const items = [];
  const waiters = [];
  const state = { items, error: null, completed: false };
  state.subscription = connection.stream(name).subscribe({
    next: (item) => {
      items.push(item);
      for (const waiter of waiters.splice(0)) {
        if (waiter.predicate(item)) waiter.resolve(item);
        else waiters.push(waiter);
      }
    },
    error: (error) => (state.error = String(error)),
    complete: () => (state.completed = true),
  });
  state.waitFor = (predicate, what = name) => {
    const found = items.find(predicate);
    if (found) return Promise.resolve(found);
    return withTimeout(new Promise((resolve) => waiters.push({ predicate, resolve })), what);
  };
  return state;
}

async function restPost(action, body) {
  const token = await fetchToken();
  const response = await fetch(`${baseUrl}/api/v2/MT4/${mt4}/${action}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return response.json();
}

const deposit = (login, amount) =>
  restPost("TradeTransaction", { tradeTransactionType: "BrBalance", tradeCommand: "Balance", orderBy: login, price: amount });

const STREAMS = ["StreamMarginCallUpdates", "StreamTrades", "StreamUserUpdates", "StreamSymbolUpdates"];

async function mt4Streams() {
  const connection = build(`/hubs/mt4/v2?tradePlatform=${mt4}`);
  await withTimeout(connection.start(), "start");
  const result = {};
  const ticks = collect(connection, "OnTick", 2, (tick) => (tick.symbol === "EURUSD" ? tick : undefined));
  await connection.invoke("SubscribeToTicks", "EURUSD");
  result.ticks = await withTimeout(ticks, "OnTick");
  const streams = Object.fromEntries(STREAMS.map((name) => [name, openStream(connection, name)]));
  result.margin = await streams.StreamMarginCallUpdates.waitFor(() => true);
  const login = 100001;
  result.deposit = await deposit(login, 123.45);
  result.user = await streams.StreamUserUpdates.waitFor((item) => item.login === login);
  const trade = await step("trade", { login });
  result.trade = await streams.StreamTrades.waitFor((item) => item.order === trade.order);
  const symbol = await step("symbol");
  result.symbol = await streams.StreamSymbolUpdates.waitFor((item) => item.symbol === symbol.symbol);
  for (const name of STREAMS) streams[name].subscription.dispose();
  const before = Object.fromEntries(STREAMS.map((name) => [name, streams[name].items.length]));
  await deposit(login, 1);
  await step("after-dispose");
  await sleep(300);
  result.itemsAfterDispose = STREAMS.reduce((sum, name) => sum + streams[name].items.length - before[name], 0);
  result.streamErrors = STREAMS.map((name) => streams[name].error).filter(Boolean);
  result.stillConnected = connection.state === signalR.HubConnectionState.Connected;
  await connection.stop();
  return result;
}

// Starts a connection the server is expected to refuse after the handshake.
async function refused(path) {
  const connection = build(path);
  const closed = new Promise((resolve) => connection.onclose((error) => resolve(String(error?.message ?? error))));
  const startError = await rejection(withTimeout(connection.start(), `start ${path}`));
  const closeError = startError ? null : await withTimeout(closed, `onclose ${path}`);
  return { startError, closeError, state: connection.state };
}

async function mt5Hub() {
  const connection = build(`/hubs/mt5/v2?tradePlatform=${mt5}`);
  const status = new Promise((resolve) => connection.on("OnConnectionStatus", resolve));
  const pushes = [];
  connection.on("OnMarginCall", (payload) => pushes.push(payload));
  await withTimeout(connection.start(), "start MT5");
  const result = { status: await withTimeout(status, "OnConnectionStatus") };
  const stream = openStream(connection, "StreamMarginCallUpdates");
  await sleep(100);
  const { login } = await step("mt5-margin");
  result.item = await stream.waitFor((item) => item.login === login);
  for (let i = 0; i < 100 && !pushes.some((p) => p.login === login); i++) await sleep(20);
  result.pushes = pushes.filter((p) => p.login === login);
  stream.subscription.dispose();
  result.tickError = await rejection(connection.invoke("SubscribeToTicks", "EURUSD"));
  await connection.stop();
  result.mt4OnMt5 = await refused(`/hubs/mt5/v2?tradePlatform=${mt4}`);
  result.mt5OnMt4 = await refused(`/hubs/mt4/v2?tradePlatform=${mt5}`);
  return result;
}

async function v1Hub() {
  const result = {};
  for (const [name, options] of [
    ["direct", { skipNegotiation: true, transport: signalR.HttpTransportType.WebSockets }],
    ["negotiated", {}],
  ]) {
    const connection = build("/hubs/mt4/v1", options);
    const statuses = [];
    connection.on("OnConnectionStatus", (status) => statuses.push(status));
    await withTimeout(connection.start(), `start v1 ${name}`);
    const run = { connect: await connection.invoke("Connect", mt4), ping: await connection.invoke("Ping", mt4) };
    const ticks = collect(connection, "onTick", 3, (platform, tick) => (tick.Symbol === "EURUSD" ? { platform, tick } : undefined));
    run.subscribe = (await connection.invoke("SubscribeToTicks", mt4, "EURUSD")) ?? null;
    run.ticks = await withTimeout(ticks, "onTick");
    await connection.invoke("UnsubscribeFromTicks", mt4, "EURUSD");
    run.unknownPlatform = await rejection(connection.invoke("Connect", "00000000-0000-0000-0000-000000000001"));
    run.statuses = statuses;
    await connection.stop();
    result[name] = run;
  }
  return result;
}

async function reconnect() {
  const connection = build(`/hubs/mt4/v2?tradePlatform=${mt4}`, {}, [0, 100, 250, 500, 1000, 1000, 1000]);
  const events = [];
  let reconnected = null;
  connection.onreconnecting((error) => events.push({ reconnecting: String(error?.message ?? error) }));
  connection.onreconnected((id) => {
    events.push({ reconnected: id });
    reconnected?.(id);
  });
  const closed = new Promise((resolve) => connection.onclose((error) => resolve(String(error?.message ?? error))));
  const eurusd = (count) => collect(connection, "OnTick", count, (tick) => (tick.symbol === "EURUSD" ? tick : undefined));
  await withTimeout(connection.start(), "start");
  const result = { firstId: connection.connectionId, rounds: [] };
  let ticks = eurusd(2);
  await connection.invoke("SubscribeToTicks", "EURUSD");
  result.ticks = (await withTimeout(ticks, "first ticks")).length;
  for (const name of ["drop", "close-reconnect"]) {
    const again = new Promise((resolve) => (reconnected = resolve));
    await step(name);
    const id = await withTimeout(again, `onreconnected after ${name}`);
    ticks = eurusd(2);
    await connection.invoke("SubscribeToTicks", "EURUSD"); // subscriptions do not survive a reconnect
    result.rounds.push({ name, id, ticks: (await withTimeout(ticks, `ticks after ${name}`)).length });
  }
  await step("close-final");
  result.closeError = await withTimeout(closed, "onclose");
  result.state = connection.state;
  result.events = events;
  return result;
}

const scenarios = { "mt4-streams": mt4Streams, mt5: mt5Hub, v1: v1Hub, reconnect };
let output;
try {
  output = { result: await scenarios[scenario]() };
} catch (error) {
  output = { result: { failed: String(error.stack ?? error) } };
}
console.log(JSON.stringify(output));
process.exit(0);
