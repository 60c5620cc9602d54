namespace SrRescue.Tests.Lvm.Model;

/// <summary>
/// The S2 backup with a mirrored LV added by hand (lvm2.md 3.7 mirror layout: hidden images and a
/// log referenced by name). The samples could not make one (no device-mapper), so it is written
/// here in the form LVM's exporter uses.
/// </summary>
internal static class MirrorVg
{
    public const string Lvs = """

		mir {
			id = "MirrLV-0000-0000-0000-0000-0000-000001"
			status = ["READ", "WRITE", "VISIBLE"]
			flags = []
			segment_count = 1

			segment1 {
				start_extent = 0
				extent_count = 4

				type = "mirror"
				mirror_count = 2
				mirror_log = "mir_mlog"
				region_size = 1024

				mirrors = [
					"mir_mimage_0", 0,
					"mir_mimage_1", 0
				]
			}
		}

		mir_mlog {
			id = "MirrLV-0000-0000-0000-0000-0000-000002"
			status = ["READ", "WRITE"]
			flags = []
			segment_count = 1

			segment1 {
				start_extent = 0
				extent_count = 1

				type = "striped"
				stripe_count = 1

				stripes = [
					"pv1", 40
				]
			}
		}

		mir_mimage_0 {
			id = "MirrLV-0000-0000-0000-0000-0000-000003"
			status = ["READ", "WRITE"]
			flags = []
			segment_count = 1

			segment1 {
				start_extent = 0
				extent_count = 4

				type = "striped"
				stripe_count = 1

				stripes = [
					"pv1", 22
				]
			}
		}

		mir_mimage_1 {
			id = "MirrLV-0000-0000-0000-0000-0000-000004"
			status = ["READ", "WRITE"]
			flags = []
			segment_count = 1

			segment1 {
				start_extent = 0
				extent_count = 4

				type = "striped"
				stripe_count = 1

				stripes = [
					"pv1", 30
				]
			}
		}
""";

    /// <summary>S2 backup with mir and its sub-LVs on free extents of pv1 (20-62 are free there).</summary>
    public static string Text => VgText.S2Backup
        .Replace("\n\t}\n\n}", Lvs + "\n\t}\n\n}", once: true);
}
