namespace SrRescue.Diagnostics;

/// <summary>Progress of a long piece of work (a copy, a scan), in bytes.</summary>
public readonly record struct WorkProgress(string What, long DoneBytes, long TotalBytes);
