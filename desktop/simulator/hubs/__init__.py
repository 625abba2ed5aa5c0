"""The SignalR hubs: negotiate, the JSON protocol, connections, methods and streams."""
