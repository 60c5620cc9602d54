namespace SrRescue.Nbd;

/// <summary>A client broke the protocol in a way that leaves no reply to send (nbd.md: a hard disconnect); only its connection ends.</summary>
internal sealed class NbdProtocolException(string message) : Exception(message);
