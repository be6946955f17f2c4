using System.Net;
using System.Net.Sockets;

namespace MlNetFashion.Benchmarks.Operations;

/// <summary>The local machine's network, for the processes and servers that benchmarks and tests start on it.</summary>
public static class Loopback
{
    /// <summary>A TCP port free on 127.0.0.1 when asked: the system picks it for a listener that closes at once.</summary>
    public static int FreePort()
    {
        var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        int port = ((IPEndPoint)socket.LocalEndpoint).Port;
        socket.Stop();
        return port;
    }
}
