namespace SrRescue.Nbd;

/// <summary>
/// What a server did over its life: connections (and those ended for breaking the protocol or
/// turned away at the connection limit), requests, bytes of disk sent (holes count as sent),
/// write-like commands refused, other errors answered, and reads the disk failed.
/// </summary>
public sealed record NbdServerStats(long Connections, long BrokenConnections, long TurnedAway, long Requests, long BytesSent, long Refused, long Errors, long ReadErrors);
