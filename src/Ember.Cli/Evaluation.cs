using Ember.Data;
using Ember.NN;
using Ember.Vision.Datasets;
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
        long n = 0;
        for (int p = 0; p < classes.Count; p++) n += Counts[c, p];
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

    /// <summary>Writes the overall accuracy, the per-class table and the confusion matrix.</summary>
    public void Print()
    {
        AnsiConsole.MarkupLine($"Accuracy of the network on the {Total} test images: [bold]{100 * Accuracy:F2} %[/]");
        var perClass = new Table().Title("Accuracy per class").AddColumn("class").AddColumn(new TableColumn("accuracy").RightAligned()).AddColumn(new TableColumn("images").RightAligned());
        for (int c = 0; c < classes.Count; c++)
        {
            long n = 0;
            for (int p = 0; p < classes.Count; p++) n += Counts[c, p];
            perClass.AddRow(Markup.Escape(classes[c]), $"{100 * ClassAccuracy(c):F1} %", n.ToString());
        }
        AnsiConsole.Write(perClass);

        var matrix = new Table().Title("Confusion matrix (rows: truth, columns: prediction)").AddColumn("");
        for (int p = 0; p < classes.Count; p++) matrix.AddColumn(new TableColumn(Markup.Escape(Short(classes[p]))).RightAligned());
        for (int t = 0; t < classes.Count; t++)
        {
            var row = new List<string> { Markup.Escape(classes[t]) };
            for (int p = 0; p < classes.Count; p++)
                row.Add(t == p ? $"[green]{Counts[t, p]}[/]" : Counts[t, p] == 0 ? "[grey]0[/]" : Counts[t, p].ToString());
            matrix.AddRow(row.ToArray());
        }
        AnsiConsole.Write(matrix);
    }

    private static string Short(string name) => name.Length <= 6 ? name : name[..6];
}
