namespace SrRescue.Xen.Mgt;

/// <summary>What <see cref="MgtXmlTokenizer"/> found.</summary>
internal enum MgtXmlTokenKind
{
    End,
    Text,
    StartTag,
    EndTag,
    EmptyTag,

    /// <summary>&lt;?…?&gt;, &lt;!--…--&gt; or &lt;!…&gt;: skipped.</summary>
    Markup,

    /// <summary>Bytes that are not well-formed markup; the tokenizer resumes at the next '&lt;'.</summary>
    Error,
}
