namespace SrRescue.Tests.Support;

/// <summary>The repository the tests were built from (found above the test binaries), for tests that read its sources.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = Find();

    public static string Src => Path.Combine(Root, "src");

    public static string Tests => Path.Combine(Root, "tests", "SrRescue.Tests");

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(Path.Combine(dir.FullName, "src", "SrRescue")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("the repository above " + AppContext.BaseDirectory);
    }
}
