using SrRescue.Io;

namespace SrRescue.Tests.Architecture;

/// <summary>
/// The one-file program (build/publish.sh) runs on rescue systems without libssl: on Linux,
/// System.Security.Cryptography loads libssl at first use and stops the program when it is missing
/// ("No usable version of libssl was found"; a Debian minbase root has none). Neither the library
/// nor the CLI may use it; hashes come from SrRescue.Io.Sha256.
/// </summary>
public sealed class NoOpenSslTests
{
    [Theory]
    [InlineData(typeof(Crc32))]
    [InlineData(typeof(SrRescue.Cli.CliApp))]
    public void The_assembly_does_not_reference_System_Security_Cryptography(Type inAssembly) =>
        Assert.DoesNotContain(inAssembly.Assembly.GetReferencedAssemblies(), a => a.Name == "System.Security.Cryptography");
}
