using Ember.Data;
using Ember.NN;
using Ember.Vision.Datasets;
using System.Globalization;
using System.Text;
using Spectre.Console;

namespace Ember.Cli;

/// <summary>A confusion matrix over a test set and the accuracies read from it.</summary>
internal sealed class Evaluation(IReadOnlyList<string> classes)
{
    /// <summary>counts[truth, predicted].</summary>
    public long[,] Counts { get; } = new long[classes.Count, classes.Count];

    public IReadOnlyList<string> Classes => classes;

    public long Total { get; private set; }

    public long Correct { get; private set; }

    public double Accuracy => Total == 0 ? 0 : (double)Correct / Total;

    /// <summary>The fraction of class <paramref name="c"/>'s images predicted as <paramref name="c"/>.</summary>
    public double ClassAccuracy(int c)
    {
        long n = ClassCount(c);
        return n == 0 ? 0 : (double)Counts[c, c] / n;
    }

    /// <summary>Adds a batch of logits [N, classes] and labels [N].</summary>
    public void Add(Tensor logits, Tensor labels)
    {
        long[] pred = logits.ArgMax(1).ToArray<long>();
        long[] truth = labels.ToArray<long>();
        for (int i = 0; i < pred.Length; i++)
        {
            Counts[truth[i], pred[i]]++;
            Total++;
            if (truth[i] == pred[i]) Correct++;
        }
    }

    /// <summary>Runs <paramref name="model"/> in eval mode, without recording a graph, over a whole dataset.</summary>
    public static Evaluation Run(Module<Tensor, Tensor> model, VisionDataset dataset, int batchSize = 256)
    {
        var result = new Evaluation(dataset.Classes);
        bool wasTraining = model.Training;
        model.Eval();
        using (Autograd.NoGrad())
        {
            foreach (var (images, labels) in DataLoader.Create(dataset, batchSize: batchSize))
                result.Add(model.Call(images), labels);
        }
        model.Train(wasTraining);
        return result;
    }

    /// <summary>
    /// Writes the overall accuracy (the chapter's line), the per-class table and the confusion matrix
    /// to <paramref name="console"/> (default: <see cref="Cli.Out"/>). Both fit in 80 columns, the width
    /// of a piped stdout: class names are never cut, because the matrix numbers its columns and names
    /// each class once, at the start of its row.
    /// </summary>
    public void Print(IAnsiConsole? console = null)
    {
        console ??= Cli.Out;
        console.MarkupLine($"Accuracy of the network on the {Total} test images: [bold]{100 * Accuracy:F2} %[/]");
        console.WriteLine();
        console.Write(PerClassTable());
        console.WriteLine();
        foreach (string line in ConfusionLines(console.Profile.Width)) console.MarkupLine(line);
    }

    /// <summary>Class, accuracy and number of images, one row per class: three narrow columns, so it fits any name a dataset uses.</summary>
    public Table PerClassTable()
    {
        var table = new Table().Border(TableBorder.Simple).Title("Accuracy per class")
            .AddColumn("class").AddColumn(new TableColumn("accuracy").RightAligned()).AddColumn(new TableColumn("images").RightAligned());
        for (int c = 0; c < classes.Count; c++)
            table.AddRow(Markup.Escape(classes[c]), $"{100 * ClassAccuracy(c):F1} %", ClassCount(c).ToString(CultureInfo.InvariantCulture));
        return table;
    }

    /// <summary>
    /// The confusion matrix as lines of markup no wider than <paramref name="width"/>: rows are the true
    /// classes, numbered and named ("0 T-shirt/top"); columns are the predictions, headed by the same
    /// numbers. Where even that is too wide (many classes), the most frequent confusions are listed instead.
    /// </summary>
    public IReadOnlyList<string> ConfusionLines(int width)
    {
        int n = classes.Count;
        int numberWidth = (n - 1).ToString(CultureInfo.InvariantCulture).Length;
        string[] labels = [.. Enumerable.Range(0, n).Select(c => $"{c.ToString(CultureInfo.InvariantCulture).PadLeft(numberWidth)} {classes[c]}")];
        int labelWidth = labels.Max(l => l.Length);
        long largest = 0;
        foreach (long v in Counts) largest = Math.Max(largest, v);
        int cell = 1 + Math.Max(numberWidth, largest.ToString(CultureInfo.InvariantCulture).Length) + 1;   // two spaces between numbers
        if (labelWidth + n * cell <= width)
        {
            var lines = new List<string> { "Confusion matrix (rows: true class; columns: predicted class, by number)" };
            lines.Add(new string(' ', labelWidth) + string.Concat(Enumerable.Range(0, n).Select(p => p.ToString(CultureInfo.InvariantCulture).PadLeft(cell))));
            for (int t = 0; t < n; t++)
            {
                var row = new StringBuilder(Markup.Escape(labels[t].PadRight(labelWidth)));
                for (int p = 0; p < n; p++)
                {
                    string v = Counts[t, p].ToString(CultureInfo.InvariantCulture).PadLeft(cell);
                    row.Append(t == p ? $"[green]{v}[/]" : Counts[t, p] == 0 ? $"[grey]{v}[/]" : v);
                }
                lines.Add(row.ToString());
            }
            return lines;
        }
        // Too many classes for the width: the largest off-diagonal counts, one per line.
        var mistakes = (from t in Enumerable.Range(0, n) from p in Enumerable.Range(0, n)
                        where t != p && Counts[t, p] > 0
                        orderby Counts[t, p] descending, t, p
                        select (t, p)).Take(10).ToList();
        var list = new List<string> { $"Most frequent confusions ({n} classes: the matrix is too wide for {width} columns)" };
        foreach (var (t, p) in mistakes)
            list.Add(Markup.Escape($"  {Counts[t, p],6}  {classes[t]} taken for {classes[p]}"));
        if (mistakes.Count == 0) list.Add("  none");
        return list;
    }

    private long ClassCount(int c)
    {
        long n = 0;
        for (int p = 0; p < classes.Count; p++) n += Counts[c, p];
        return n;
    }
}
