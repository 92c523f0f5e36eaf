using System.Text;
using System.Text.RegularExpressions;

namespace Ember.Cli;

/// <summary>
/// The text <c>ember train --model lstm-lm</c> learns: Debian's fortune files, as examples/11-language-model.cs
/// reads them. Records (separated by lines holding "%") go, in file order, to valid when their index is 8
/// mod 10, to test when it is 9, else to train; each keeps its "%" line, so the model learns where a
/// fortune ends. Tokens are characters, numbered in order of first appearance (train, then valid, then test).
/// </summary>
internal sealed class FortuneCorpus
{
    /// <summary>The files read, those of Debian's <c>fortunes-min</c> package.</summary>
    public static readonly string[] Files = ["fortunes", "literature", "riddles"];

    /// <summary>The characters, by token index.</summary>
    public string Vocabulary { get; }

    /// <summary>The three splits as 1-D int64 tensors of token indices.</summary>
    public Tensor Train { get; }

    /// <inheritdoc cref="Train"/>
    public Tensor Valid { get; }

    /// <inheritdoc cref="Train"/>
    public Tensor Test { get; }

    /// <summary>The files found and read, and the number of records.</summary>
    public string Description { get; }

    private FortuneCorpus(string vocabulary, Tensor train, Tensor valid, Tensor test, string description) =>
        (Vocabulary, Train, Valid, Test, Description) = (vocabulary, train, valid, test, description);

    /// <summary>Reads those of <see cref="Files"/> that <paramref name="dir"/> holds (at least one).</summary>
    /// <exception cref="CliException">None is there, or they hold fewer than 10 records.</exception>
    public static FortuneCorpus Load(string dir)
    {
        string[] found = Files.Where(f => File.Exists(Path.Combine(dir, f))).ToArray();
        if (found.Length == 0)
            throw new CliException($"fortunes not found (looked for {string.Join(", ", Files)} in {dir}); install Debian's fortunes-min package " +
                "(`apt-get install fortunes-min`, as root), or give the folder that holds them with --data-dir DIR.");
        var parts = new[] { new StringBuilder(), new StringBuilder(), new StringBuilder() };
        int record = 0;
        foreach (string name in found)
        {
            string path = Path.Combine(dir, name);
            string text;
            try { text = File.ReadAllText(path); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new CliException($"{path}: {e.Message}"); }
            // Backspace overstrikes ("_\bx", an underlined x on a terminal) keep the plain letter.
            text = Regex.Replace(text.Replace("\r\n", "\n"), ".\b", "");
            foreach (string r in Regex.Split(text, @"^%\n", RegexOptions.Multiline))
            {
                if (r.Trim().Length == 0) continue;
                parts[record % 10 == 8 ? 1 : record % 10 == 9 ? 2 : 0].Append(r.EndsWith('\n') ? r : r + "\n").Append("%\n");
                record++;
            }
        }
        if (record < 10)
            throw new CliException($"{string.Join(", ", found.Select(f => Path.Combine(dir, f)))}: {record} records separated by '%' lines; at least 10 are needed to split them into train, valid and test.");
        var vocab = new StringBuilder();
        var index = new Dictionary<char, int>();
        Tensor Tokenize(string s)
        {
            var ids = new long[s.Length];
            for (int k = 0; k < s.Length; k++)
            {
                if (!index.TryGetValue(s[k], out int id)) { index[s[k]] = id = vocab.Length; vocab.Append(s[k]); }
                ids[k] = id;
            }
            return Tensor.From(ids);
        }
        Tensor train = Tokenize(parts[0].ToString()), valid = Tokenize(parts[1].ToString()), test = Tokenize(parts[2].ToString());
        return new FortuneCorpus(vocab.ToString(), train, valid, test, $"{string.Join(", ", found)}: {record} records");
    }

    /// <summary>The mean cross-entropy of <paramref name="split"/> under the training text's character frequencies (add-one smoothed): what a model that ignores the context reaches.</summary>
    public double UnigramLoss(Tensor split)
    {
        var counts = new double[Vocabulary.Length];
        foreach (long t in Train.ToArray<long>()) counts[t]++;
        double total = counts.Sum() + counts.Length;
        long[] tokens = split.ToArray<long>();
        return tokens.Sum(t => -Math.Log((counts[t] + 1) / total)) / tokens.Length;
    }

    /// <summary>
    /// Arranges <paramref name="data"/> into <paramref name="columns"/> columns read top to bottom ([rows, columns]),
    /// dropping the remainder (the example's batchify).
    /// </summary>
    public static Tensor Batchify(Tensor data, int columns)
    {
        int rows = (int)data.Shape[0] / columns;
        return data.Narrow(0, 0, rows * columns).View(columns, -1).T.Contiguous();
    }
}
