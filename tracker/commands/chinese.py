"""argparse's own words in Chinese ("usage:", "options", "show this help message and exit", the
error messages), so that `--help` and every mistake on the command line speak the user's language.

argparse looks its words up through `gettext` at the moment it uses them; `install` replaces the
two functions it calls with a look-up in the table below (words it does not know pass through).
"""

from __future__ import annotations

import argparse

WORDS = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示程序版本并退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "参数 %s 中必须提供一个",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "忽略了多余的参数值 %r",
    "expected one argument": "需要一个参数值",
    "expected at most one argument": "最多只能有一个参数值",
    "expected at least one argument": "至少需要一个参数值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是：%(matches)s",
    "unexpected option string: %s": "意外的选项：%s",
    "invalid %(type)s value: %(value)r": "无效的%(type)s值：%(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择：%(value)r（可选：%(choices)s）",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "未知的命令 %(parser_name)r（可选：%(choices)s）",
}
PLURALS = {
    ("expected %s argument", "expected %s arguments"): "需要 %s 个参数值",
}


def _gettext(message: str) -> str:
    return WORDS.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return PLURALS.get((singular, plural), singular if n == 1 else plural)


def install() -> None:
    """Make argparse speak Chinese in this process (the CLI's and the GUI's parsers)."""
    argparse._ = _gettext
    argparse.ngettext = _ngettext


# Value placeholders shown in help and usage: the English ones the commands name, and the names
# argparse makes from option and argument names.
METAVARS = {
    "DATE": "日期",
    "NAME": "名称",
    "FILE": "文件",
    "DB": "文件或地址",
    "USER": "姓名",
    "YYYY-MM": "年-月",
    "YYYY-MM-DD": "年-月-日",
    "N": "N",
    "file": "文件",
    "files": "文件",
    "paths": "文件或文件夹",
    "code": "编号",
    "login": "登录名",
    "name": "名称",
    "month": "年-月",
}


class ChineseHelpFormatter(argparse.HelpFormatter):
    """Placeholders in Chinese: an option's value is named by its meaning (or 值)."""

    def _metavar_formatter(self, action, default_metavar):
        base = super()._metavar_formatter(action, default_metavar)

        def formatted(size):
            return tuple(METAVARS.get(m, m) for m in base(size))

        return formatted

    def _get_default_metavar_for_optional(self, action) -> str:
        return METAVARS.get(action.dest.upper(), "值")

    def _get_default_metavar_for_positional(self, action) -> str:
        return METAVARS.get(action.dest, action.dest)
