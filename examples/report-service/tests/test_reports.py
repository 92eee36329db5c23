import asyncio
import io
import unittest

from reports import jobs, render, settings


class SettingsTest(unittest.TestCase):
    def test_load(self):
        loaded = settings.load("[mail]\nto = ops@example.com\n")
        self.assertEquals(loaded["mail"]["to"], "ops@example.com")
        self.assertTrue(settings.is_settings(loaded))


class RenderTest(unittest.TestCase):
    def test_command_quotes(self):
        self.assertEquals(
            render.command("ops@example.com", "daily report"),
            "mail -s 'daily report' ops@example.com",
        )

    def test_write(self):
        out = io.StringIO()
        count = render.write([{"name": "a", "total": 1}], out)
        self.assertEqual(count, 1)
        self.assertRegexpMatches(out.getvalue(), r"^a: 1")


class JobsTest(unittest.TestCase):
    def test_fetch_all(self):
        records = asyncio.run(jobs.fetch_all(["ab", "c"]))
        self.assertEqual([r["total"] for r in records], [2, 1])


def suite():
    return unittest.TestSuite(
        unittest.makeSuite(case) for case in (SettingsTest, RenderTest, JobsTest)
    )


if __name__ == "__main__":
    unittest.main()
