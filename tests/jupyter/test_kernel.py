"""The Cloudbook kernel under jupyter_kernel_test, with every optional sample filled in,
through the kernelspec installed into the test venv (`cloudbook install --prefix .venv`)."""

import unittest

import jupyter_kernel_test as jkt

PLOT = 'chart(#{ title: "t", series: [#{ name: "s", points: [[0, 1], [1, 2]] }] })'


class CloudbookKernelTests(jkt.KernelTests):
    kernel_name = "cloudbook"
    language_name = "rhai"
    file_extension = ".rhai"

    code_hello_world = 'print("hello, world")'
    code_stderr = 'eprint("something went wrong")'

    # Exact match sets: module functions after `::`, globals and keywords by prefix.
    completion_samples = [
        {"text": "clock::adv", "matches": {"advance"}},
        {"text": "clock::s", "matches": {"set", "start"}},
        {"text": "world::re", "matches": {"region", "regions", "reset"}},
        {"text": "let x = wor", "matches": {"world::"}},
        {"text": "whi", "matches": {"while"}},
        {"text": "as_pr", "matches": {"as_principal"}},
    ]

    complete_code_samples = ["1 + 1", "let x = 1;", "fn f(x) { x * 2 }", 'print("a")', "let m = #{ a: [1, 2] };"]
    incomplete_code_samples = ["fn f(x) {", "let m = #{ a: 1,", "print(", "if true {\n  let y = [1,"]
    invalid_code_samples = ["let = 5;", "1 +* 2", "let x = 1; }"]

    code_page_something = 'help("clock::advance")'
    code_generate_error = 'throw "boom"'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '"abc" + "def"', "result": "abcdef"},
        {"code": "[#{ a: 1 }]", "mime": "text/html"},
        {"code": "#{ a: 1 }", "mime": "application/json"},
        {"code": PLOT, "mime": "image/svg+xml"},
    ]
    code_display_data = [
        {"code": 'display("text")', "mime": "text/plain"},
        {"code": "display(#{ a: [1, 2] })", "mime": "application/json"},
        {"code": 'display(table([#{ a: 1, b: "x" }]))', "mime": "text/html"},
        {"code": f"display({PLOT})", "mime": "image/svg+xml"},
    ]

    code_history_pattern = "6 * *"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "clock::advance"
    code_clear_output = "clear_output()"

    def test_user_expressions_is_an_object(self):
        self.flush_channels()
        msg_id = self.kc.execute("let q = 20;", user_expressions={"double": "q * 2", "bad": "nope"})
        reply = self.get_non_kernel_info_reply(timeout=jkt.TIMEOUT)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        ue = reply["content"]["user_expressions"]
        self.assertEqual(ue["double"]["status"], "ok")
        self.assertEqual(ue["double"]["data"]["text/plain"], "40")
        self.assertEqual(ue["bad"]["status"], "error")
        self.flush_channels()
        self.kc.execute("1")
        reply = self.get_non_kernel_info_reply(timeout=jkt.TIMEOUT)
        self.assertEqual(reply["content"]["user_expressions"], {})

    def test_error_traceback_has_line_and_column(self):
        self.flush_channels()
        reply, output_msgs = self.execute_helper("let a = 1;\nclock::advance(\"soon\")")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "ValidationException")
        tb = "\n".join(output_msgs[0]["content"]["traceback"])
        self.assertRegex(tb, r"at In \[\d+\] line 2, column 8")

    def test_inspect_cursor_inside_a_call(self):
        self.flush_channels()
        code = 'clock::advance("1h", '
        self.kc.inspect(code, len(code))
        reply = self.get_non_kernel_info_reply(timeout=jkt.TIMEOUT)
        self.assertTrue(reply["content"]["found"])
        self.assertIn("Moves the simulated clock forward", reply["content"]["data"]["text/plain"])

    def test_variables_and_functions_complete_after_definition(self):
        self.flush_channels()
        self.execute_helper("let zebra_count = 1;\nfn zebra_fn(x) { x }")
        self.kc.complete("zebra_")
        reply = self.get_non_kernel_info_reply(timeout=jkt.TIMEOUT)
        self.assertEqual(set(reply["content"]["matches"]), {"zebra_count", "zebra_fn"})
        self.assertEqual(reply["content"]["cursor_start"], 0)
        self.assertEqual(reply["content"]["cursor_end"], 6)

    def test_comm_info_is_empty(self):
        self.flush_channels()
        self.kc.comm_info()
        reply = self.get_non_kernel_info_reply(timeout=jkt.TIMEOUT)
        self.assertEqual(reply["content"], {"status": "ok", "comms": {}})

    def test_update_display_data(self):
        self.flush_channels()
        reply, outs = self.execute_helper('display("one", "p"); update_display("two", "p")')
        kinds = [m["msg_type"] for m in outs]
        self.assertEqual(kinds, ["display_data", "update_display_data"])
        self.assertEqual(outs[1]["content"]["transient"], {"display_id": "p"})
        self.assertEqual(outs[1]["content"]["data"]["text/plain"], "two")


class CloudbookIopubWelcomeTests(jkt.IopubWelcomeTests):
    kernel_name = "cloudbook"
    support_iopub_welcome = True


if __name__ == "__main__":
    unittest.main()
