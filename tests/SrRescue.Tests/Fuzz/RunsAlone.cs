namespace SrRescue.Tests.Fuzz;

/// <summary>The mutation harness's memory bounds read process-wide figures, so no other test runs beside it.</summary>
[CollectionDefinition(nameof(MutationFuzzTests), DisableParallelization = true)]
public sealed class RunsAlone;
