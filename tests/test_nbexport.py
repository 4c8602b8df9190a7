"""nbexport: what ``nbconvert --to markdown`` pasted into a post, told apart from prose."""

from __future__ import annotations

from nbpress.nbexport import is_export_image, read_export

TRACEBACK = """\
Intro.

```python
1 / 0
```


    ---------------------------------------------------------------------------

    ZeroDivisionError                         Traceback (most recent call last)

    Cell In[3], line 1
    ----> 1 1 / 0


    ZeroDivisionError: division by zero


Dividing by zero fails, as it should.
"""


def test_a_traceback_with_blank_lines_is_one_output_and_the_prose_after_it_stays() -> None:
    export = read_export(TRACEBACK, 5)
    [cell] = export.cells
    assert (cell.code, cell.line) == ("1 / 0", 7)
    [output] = cell.outputs
    assert (output.kind, output.line) == ("text", 12)
    assert output.value.startswith("-----") and output.value.endswith("division by zero")
    assert export.text.endswith("\n\nDividing by zero fails, as it should.\n")
    assert "ZeroDivisionError" not in export.text


AUTHOR_FORMS = """\
An indented block the author wrote after prose is a code block, not an output:

    pip install numpy

<!--
```python
print("commented out: not a cell")
```

    not an output either
-->

~~~python
print("a tilde fence is shown, never run")
~~~

    also kept

```bash
ls
```

    kept: bash fences are not cells

![diagram](/images/architecture.png)
"""


def test_what_the_author_wrote_is_never_taken_for_an_export() -> None:
    export = read_export(AUTHOR_FORMS, 1)
    assert export.text == AUTHOR_FORMS
    assert (export.cells, export.removed, export.strays, export.is_export) == ([], [], [], False)


def test_export_images_are_known_by_their_alt_text_or_their_name() -> None:
    assert is_export_image("png", "/images/anything.png")
    assert is_export_image("", "https://example.org/tutorial_files/output_40_0.png")
    assert is_export_image("a plot", "2020-01-05-digits_4_0.svg?v=2")
    assert not is_export_image("diagram", "/images/architecture.png")
    assert not is_export_image("", "/images/2020-01-05.png")


def test_an_image_inside_prose_is_a_stray_and_a_no_input_export_has_no_cells() -> None:
    export = read_export("Text.\n\n    42\n\n![png](report_files/report_1_0.png)\n", 3)
    assert export.cells == [] and export.no_input and export.is_export
    [stray] = export.strays
    assert (stray.value, stray.line, export.lines[stray.at]) == \
        ("report_files/report_1_0.png", 7, "![png](report_files/report_1_0.png)")


# A Jekyll nbconvert template of the kind many blogs used: prompts, a <div> around the input,
# {% highlight python %} instead of a fence, lines holding a single space, a trailing space.
HIGHLIGHT_FORM = """\
A smooth bump first.

**In [1]:**

<div class="input_area" markdown="1">
{% highlight python %}
xs = np.linspace(-3, 3, 61); plt.plot(xs, np.exp(-xs ** 2))
{% endhighlight %}
</div>

**Out [1]:**

 
![png]({{ site.baseurl }}/assets/bump_files/bump_1_1.png) 

 
**In [2]:**

{% highlight python %}
print(len(xs))
{% endhighlight %}

**Out [2]:**
```
61
```

Sixty-one points.

{% highlight bash %}
pip install numpy
{% endhighlight %}
"""


def test_highlight_inputs_with_prompts_become_cells_and_their_outputs_are_taken() -> None:
    export = read_export(HIGHLIGHT_FORM, 1)
    assert [(c.code, c.line) for c in export.cells] == [
        ("xs = np.linspace(-3, 3, 61); plt.plot(xs, np.exp(-xs ** 2))", 6),
        ("print(len(xs))", 19)]
    assert [[(o.kind, o.value, o.line) for o in c.outputs] for c in export.cells] == [
        [("image", "{{ site.baseurl }}/assets/bump_files/bump_1_1.png", 14)],
        [("text", "61", 24)]]
    assert export.text == (
        "A smooth bump first.\n\n\n```python\n"
        "xs = np.linspace(-3, 3, 61); plt.plot(xs, np.exp(-xs ** 2))\n```\n\n\n \n\n \n\n"
        "```python\nprint(len(xs))\n```\n\n\nSixty-one points.\n\n"
        "{% highlight bash %}\npip install numpy\n{% endhighlight %}\n")
    assert [what for _, what in export.removed] == [
        "prompt line", "input <div>", "{% highlight python %} input written as a ```python cell",
        "input </div>", "prompt line", "image line", "prompt line",
        "{% highlight python %} input written as a ```python cell", "prompt line",
        "output block"]


OLD_PANDAS = """\
```python
df.head(1)
```




<div>
<table border="1" class="dataframe">
  <tbody>
    <tr>
      <th>0</th>
      <td>1.5</td>
    </tr>
  </tbody>
</table>
</div>



Only one row.
"""


def test_a_dataframe_from_an_older_pandas_without_a_style_block_is_an_output() -> None:
    export = read_export(OLD_PANDAS, 1)
    [[output]] = [c.outputs for c in export.cells]
    assert (output.kind, output.line) == ("html", 8)
    assert output.value.startswith("<div>\n<table") and output.value.endswith("</table>\n</div>")
    assert "<table" not in export.text and export.text.endswith("Only one row.\n")
