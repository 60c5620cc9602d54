using SrRescue.Tests.Support;

namespace SrRescue.Tests.Recovery;

/// <summary>
/// The doctor never says "No damage found" over sources that are incomplete (issue 10, items 1
/// and 3): a PV of the VG missing, a committed metadata copy whose CRC fails, an image cut short.
/// Each case is checked against what the real lvm2 says about the same bytes on a loop device.
/// </summary>
public sealed class SourceFaultTests
{
    [Fact]
    public void One_disk_of_a_two_pv_vg_is_a_missing_pv_named_by_uuid()
    {
        var expected = Fixtures.Expected("multi_pv");
        var disk0 = Fixtures.Image("multi_pv", "disk0.img");
        var missingUuid = expected.GetProperty("pvs")[1].GetProperty("pv_uuid").GetString()!;

        using (var loop = LoopDevice.Attach(disk0, readOnly: true))
        {
            Assert.Contains($"Couldn't find device with uuid {missingUuid}", Lvm2.Run("vgs", [loop.Path]).All);
        }

        var r = Support.Cli.Run("doctor", disk0, "--json");
        Assert.Equal(1, r.ExitCode);
        var fault = Assert.Single(r.Json().GetProperty("faults").EnumerateArray(), f => f.GetProperty("kind").GetString() == "pv-missing");
        var evidence = Assert.Single(fault.GetProperty("evidence").EnumerateArray()).GetString()!;
        Assert.Contains($"PV {missingUuid}", evidence);
        Assert.Contains("VHD-", evidence);
        Assert.DoesNotContain("No damage found", Support.Cli.Run("doctor", disk0).Out);
    }

    [Fact]
    public void A_committed_copy_whose_crc_fails_is_damaged_for_scan_history_and_doctor()
    {
        var image = Fixtures.CopyOfImage("lost_vdi");
        var committed = Support.Cli.Json("history", image).GetProperty("vgs")[0].GetProperty("versions").EnumerateArray().Last();
        var copy = committed.GetProperty("copies")[0];
        var offset = copy.GetProperty("offset").GetInt64();
        // One character of creation_host changed: the text still parses, the slot CRC no longer matches.
        using (var f = new FileStream(image, FileMode.Open, FileAccess.ReadWrite))
        {
            var text = new byte[copy.GetProperty("size").GetInt32()];
            f.Position = offset;
            f.ReadExactly(text);
            var at = System.Text.Encoding.ASCII.GetString(text).IndexOf("creation_host = \"", StringComparison.Ordinal) + 17;
            f.Position = offset + at;
            f.WriteByte((byte)(text[at] ^ 0x01));
        }

        using (var loop = LoopDevice.Attach(image, readOnly: true))
        {
            Assert.Contains($"Checksum error on {loop.Path} at offset {offset}", Lvm2.Run("vgs", [loop.Path]).All);
        }

        var area = Support.Cli.Json("scan", image).GetProperty("sources")[0].GetProperty("metadata_areas")[0];
        Assert.Equal(1, area.GetProperty("damaged_copies").GetInt32());
        Assert.Contains("(1 damaged)", Support.Cli.Run("scan", image).Out);
        Assert.Contains("CRC-MISMATCH", Support.Cli.Run("history", image).Out);
        var doctor = Support.Cli.Run("doctor", image, "--json");
        Assert.Equal(1, doctor.ExitCode);
        var fault = Assert.Single(doctor.Json().GetProperty("faults").EnumerateArray(), f => f.GetProperty("kind").GetString() == "metadata-copy-damaged");
        Assert.Contains($"the committed copy seqno {committed.GetProperty("seqno").GetInt64()} at byte {offset}", fault.GetProperty("evidence")[0].GetString());
    }

    [Fact]
    public void A_truncated_image_is_a_fault_of_its_own()
    {
        var image = Fixtures.CopyOfImage("lost_vdi");
        using (var f = new FileStream(image, FileMode.Open, FileAccess.Write))
        {
            f.SetLength(110L << 20);
        }

        using (var loop = LoopDevice.Attach(image, readOnly: true))
        {
            Assert.Contains("smaller than corresponding PV size", Lvm2.Run("pvs", [loop.Path]).All);
        }

        var r = Support.Cli.Run("doctor", image, "--json");
        Assert.Equal(1, r.ExitCode);
        var fault = Assert.Single(r.Json().GetProperty("faults").EnumerateArray(), f => f.GetProperty("kind").GetString() == "source-truncated");
        Assert.Contains(fault.GetProperty("evidence").EnumerateArray(), e => e.GetString()!.Contains("bytes", StringComparison.Ordinal));
        Assert.DoesNotContain("No damage found", Support.Cli.Run("doctor", image).Out);
    }
}
