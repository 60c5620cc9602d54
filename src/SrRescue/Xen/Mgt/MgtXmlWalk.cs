namespace SrRescue.Xen.Mgt;

/// <summary>
/// Walks the tokens of a span and collects the leaf elements, grouped by the <c>&lt;vdi&gt;</c>
/// element they lie in, plus every spot that is not well formed. Unlike an XML parser it does not
/// give up at the first error: a stray byte, an unclosed tag or a mismatched end tag is recorded
/// and the walk goes on, so the readable fields of a damaged record are still there. Depth and
/// element count are bounded; nothing is allocated per byte.
/// </summary>
internal sealed class MgtXmlWalk
{
    private MgtXmlWalk()
    {
    }

    public List<MgtXmlLeaf> Leaves { get; } = [];

    public List<MgtXmlContainer> Containers { get; } = [];

    public List<MgtXmlError> Errors { get; } = [];

    /// <summary>Where the walk stopped: after a single record's end tag, before a following record, or the span's end.</summary>
    public int StopOffset { get; private set; }

    public static MgtXmlWalk Run(ReadOnlySpan<byte> text, MgtXmlWalkMode mode, int maxElements)
    {
        var walk = new MgtXmlWalk();
        walk.Walk(text, mode, maxElements);
        return walk;
    }

    private void Walk(ReadOnlySpan<byte> text, MgtXmlWalkMode mode, int maxElements)
    {
        var stack = new List<Frame>();
        var open = -1;
        var tokens = new MgtXmlTokenizer(text);
        while (true)
        {
            var t = tokens.Next();
            switch (t.Kind)
            {
                case MgtXmlTokenKind.End:
                    FinishUnclosed(stack, text.Length);
                    StopOffset = text.Length;
                    return;
                case MgtXmlTokenKind.Markup:
                    break;
                case MgtXmlTokenKind.Error:
                    Errors.Add(new MgtXmlError(t.Start, t.Error ?? "not well formed"));
                    break;
                case MgtXmlTokenKind.Text:
                    OnText(text, t, stack);
                    break;
                case MgtXmlTokenKind.StartTag or MgtXmlTokenKind.EmptyTag:
                    var name = text.Slice(t.NameStart, t.NameLength);
                    if (mode != MgtXmlWalkMode.Flat && name.SequenceEqual("vdi"u8))
                    {
                        if (mode == MgtXmlWalkMode.SingleRecord && Containers.Count > 0)
                        {
                            // The next record starts here; this one was never closed.
                            FinishUnclosed(stack, t.Start);
                            StopOffset = t.Start;
                            return;
                        }

                        if (open >= 0)
                        {
                            Errors.Add(new MgtXmlError(t.Start, "<vdi> starts inside an unclosed <vdi>"));
                            while (stack.Count > 0 && !stack[^1].IsContainer)
                            {
                                stack.RemoveAt(stack.Count - 1);
                            }

                            if (stack.Count > 0)
                            {
                                stack.RemoveAt(stack.Count - 1);
                            }
                        }

                        MarkParent(stack);
                        Containers.Add(new MgtXmlContainer(t.Start));
                        open = Containers.Count - 1;
                        if (t.Kind == MgtXmlTokenKind.EmptyTag)
                        {
                            Containers[open].End = t.End;
                            open = -1;
                            if (mode == MgtXmlWalkMode.SingleRecord)
                            {
                                StopOffset = t.End;
                                return;
                            }
                        }
                        else
                        {
                            stack.Add(new Frame(t.NameStart, t.NameLength, t.Start, t.End, IsContainer: true));
                        }

                        break;
                    }

                    MarkParent(stack);
                    if (t.Kind == MgtXmlTokenKind.EmptyTag)
                    {
                        Leaves.Add(new MgtXmlLeaf(NameOf(name), t.Start, t.End, 0, open));
                    }
                    else if (stack.Count >= MgtLayout.MaxDepth)
                    {
                        Errors.Add(new MgtXmlError(t.Start, $"elements nested deeper than {MgtLayout.MaxDepth}"));
                        StopOffset = t.Start;
                        return;
                    }
                    else
                    {
                        stack.Add(new Frame(t.NameStart, t.NameLength, t.Start, t.End, IsContainer: false));
                    }

                    break;
                case MgtXmlTokenKind.EndTag:
                    var closed = OnEndTag(text, t, stack, ref open);
                    if (closed && mode == MgtXmlWalkMode.SingleRecord)
                    {
                        StopOffset = t.End;
                        return;
                    }

                    break;
            }

            if (Leaves.Count + Containers.Count >= maxElements || Errors.Count >= maxElements)
            {
                Errors.Add(new MgtXmlError(tokens.Position, $"more than {maxElements} elements or problems; the rest is not read"));
                StopOffset = tokens.Position;
                return;
            }
        }
    }

    private void OnText(ReadOnlySpan<byte> text, MgtXmlToken t, List<Frame> stack)
    {
        if (stack.Count > 0 && stack[^1] is { IsContainer: false, HasChild: false } top)
        {
            // Text of a (so far) leaf element: from its first text byte to its last.
            stack[^1] = top with { TextStart = top.TextStart < 0 ? t.Start : top.TextStart, TextEnd = t.End };
            return;
        }

        var junk = text.Slice(t.Start, t.Length).IndexOfAnyExcept(MgtXmlTokenizer.Blank);
        if (junk >= 0)
        {
            Errors.Add(new MgtXmlError(t.Start + junk, "text outside an element"));
        }
    }

    /// <summary>Returns true when the end tag closed a &lt;vdi&gt; container.</summary>
    private bool OnEndTag(ReadOnlySpan<byte> text, MgtXmlToken t, List<Frame> stack, ref int open)
    {
        var name = text.Slice(t.NameStart, t.NameLength);
        var match = -1;
        for (var i = stack.Count - 1; i >= 0; i--)
        {
            if (text.Slice(stack[i].NameStart, stack[i].NameLength).SequenceEqual(name))
            {
                match = i;
                break;
            }
        }

        if (match < 0)
        {
            Errors.Add(new MgtXmlError(t.Start, $"end tag </{NameOf(name)}> without a start tag"));
            return false;
        }

        for (var i = stack.Count - 1; i > match; i--)
        {
            Errors.Add(new MgtXmlError(stack[i].Offset, $"<{NameOf(text.Slice(stack[i].NameStart, stack[i].NameLength))}> not closed"));
            if (stack[i].IsContainer)
            {
                open = -1;
            }

            stack.RemoveAt(i);
        }

        var frame = stack[match];
        stack.RemoveAt(match);
        if (frame.IsContainer)
        {
            if (open >= 0)
            {
                Containers[open].End = t.End;
            }

            open = -1;
            return true;
        }

        if (!frame.HasChild)
        {
            var (start, length) = frame.TextStart < 0 ? (frame.ContentStart, 0) : (frame.TextStart, frame.TextEnd - frame.TextStart);
            Leaves.Add(new MgtXmlLeaf(NameOf(name), frame.Offset, start, length, open));
        }

        return false;
    }

    private void FinishUnclosed(List<Frame> stack, int at)
    {
        if (stack.Count > 0)
        {
            Errors.Add(new MgtXmlError(at, stack[0].IsContainer ? "<vdi> not closed" : "element not closed"));
        }
    }

    private static void MarkParent(List<Frame> stack)
    {
        if (stack.Count > 0)
        {
            stack[^1] = stack[^1] with { HasChild = true };
        }
    }

    private static string NameOf(ReadOnlySpan<byte> name) => System.Text.Encoding.UTF8.GetString(name);

    private readonly record struct Frame(int NameStart, int NameLength, int Offset, int ContentStart, bool IsContainer)
    {
        public bool HasChild { get; init; }

        public int TextStart { get; init; } = -1;

        public int TextEnd { get; init; }
    }
}
