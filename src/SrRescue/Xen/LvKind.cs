namespace SrRescue.Xen;

/// <summary>What an LV of an LVHD SR is, read from its name (xenserver-lvhd.md 1.2).</summary>
public enum LvKind
{
    /// <summary>VHD-&lt;uuid&gt;: a VDI in blktap VHD format.</summary>
    VhdVdi,

    /// <summary>LV-&lt;uuid&gt;: a raw VDI.</summary>
    RawVdi,

    /// <summary>QCOW2-&lt;uuid&gt;: XCP-ng's QCOW2 VDI.</summary>
    Qcow2Vdi,

    /// <summary>MGT: the SR metadata volume (names of the VDIs).</summary>
    Mgt,

    /// <summary>An SM journal (inflate_, clone_, leaf_, relink_, coalesce_, zero_): replayed on attach.</summary>
    Journal,

    /// <summary>jvhd_&lt;uuid&gt;: vhd-util resize journal.</summary>
    VhdJournal,

    /// <summary>&lt;uuid&gt;.cbtlog: changed-block-tracking log.</summary>
    CbtLog,

    /// <summary>VHD-OLD_… / LV-OLD_…: the old leaf during a leaf-coalesce.</summary>
    CoalesceLeftover,

    /// <summary>&lt;sr&gt;_trim_lv: transient LV of "reclaim freed space".</summary>
    TrimLv,

    /// <summary>Anything else.</summary>
    Other,
}
