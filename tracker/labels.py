"""Chinese names of tables, fields and journal actions, for history, verification and messages."""

from __future__ import annotations

TABLE_LABELS = {
    "setting": "设置",
    "category": "问题类别",
    "source": "问题来源",
    "department": "部门",
    "person": "人员",
    "batch": "整改批次",
    "problem": "问题",
    "measure": "整改措施",
    "extension": "延期记录",
    "progress": "整改进展",
    "evidence": "佐证材料",
    "import_source": "导入来源",
    "branch": "支部",
    "received_report": "收到的月报",
    "member": "成员",
}

FIELD_LABELS = {
    "code": "问题编号",
    "batch": "整改批次",
    "source": "问题来源",
    "category": "问题类别",
    "description": "问题描述",
    "cause": "原因分析",
    "target": "整改目标",
    "leader": "责任领导",
    "department": "责任部门",
    "found_on": "查摆日期",
    "status": "状态",
    "applicant": "申请人",
    "reviewer": "审核人",
    "closed_on": "销号日期",
    "closure_note": "销号说明",
    "review_opinion": "审核意见",
    "status_reason": "理由",
    "voided_from": "作废前状态",
    "recurrence_of": "复发自",
    "remarks": "备注",
    "problem": "所属问题",
    "seq": "序号",
    "text": "内容",
    "owner": "责任人",
    "deadline_text": "整改时限",
    "deadline_kind": "时限类型",
    "deadline_date": "到期日期",
    "deadline_rhythm": "周期",
    "done_on": "完成日期",
    "void_reason": "作废理由",
    "measure": "所属措施",
    "old_text": "原期限",
    "old_date": "原到期日",
    "new_text": "新期限",
    "new_date": "新到期日",
    "reason": "理由",
    "by": "操作人",
    "at": "时间",
    "on": "日期",
    "author": "填写人",
    "sha256": "SHA-256",
    "name": "名称",
    "size": "大小",
    "note": "说明",
    "added_by": "添加人",
    "added_at": "添加时间",
    "active": "有效",
    "removed_reason": "移除理由",
    "post": "职务",
    "sort_order": "排序",
    "held_on": "召开日期",
    "doc_no": "文号",
    "value": "值",
    "key": "项目",
    "file": "文件",
    "sheet": "工作表",
    "row": "行号",
    "contact": "联系人",
    "phone": "电话",
    "ledger_id": "台账编号",
    "public_key": "签名公钥",
    "year": "年",
    "month": "月",
    "kind": "类型",
    "verified": "已校验",
    "file_name": "文件名",
    "received_at": "收到时间",
    "received_by": "收取人",
    "made_at": "生成时间",
    "chain_seq": "历史记录条数",
    "chain_hash": "历史记录校验值",
    "figures": "数字",
    "overdue": "逾期措施",
    "branch": "支部",
    "login": "登录名",
    "role": "角色",
}

SETTING_LABELS = {"unit_name": "填报单位", "contact_person": "联系人", "contact_phone": "联系电话"}

ACTION_LABELS = {
    "ledger.init": "创建台账",
    "settings.edit": "修改单位信息",
    "problem.create": "新增问题（挂账）",
    "problem.edit": "修改问题",
    "problem.start": "开始整改",
    "problem.request_closure": "申请销号",
    "problem.approve": "审核通过（销号）",
    "problem.reject": "驳回销号申请",
    "problem.reopen": "重新整改（回头看）",
    "problem.set_long_term": "设为长期坚持",
    "problem.resume": "恢复整改",
    "problem.void": "作废",
    "problem.restore": "恢复作废的问题",
    "problem.bulk_edit": "批量修改",
    "measure.create": "新增整改措施",
    "measure.edit": "修改整改措施",
    "measure.complete": "措施完成",
    "measure.reopen": "措施改回未完成",
    "measure.void": "作废整改措施",
    "measure.extend": "延期",
    "progress.create": "填写整改进展",
    "evidence.create": "上传佐证材料",
    "evidence.remove": "移除佐证材料",
    "demo.create": "生成示例数据",
    "import": "从Excel导入",
    "undo": "撤销",
    "branch.create": "登记支部",
    "branch.edit": "修改支部",
    "branch.retire": "停用支部",
    "branch.restore": "恢复支部",
    "report.receive": "收取月报",
    "member.create": "添加成员",
    "member.disable": "停用成员",
}


def field_label(table: str, name: str) -> str:
    if table == "setting":
        return SETTING_LABELS.get(name, name)
    return FIELD_LABELS.get(name, name)


def action_label(action: str) -> str:
    if action.startswith("undo:"):
        return ACTION_LABELS["undo"]
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    kind, _, verb = action.partition(".")
    return f"{TABLE_LABELS.get(kind, kind)}：{ {'create': '新增', 'edit': '修改'}.get(verb, verb) }"


def size_label(size: int) -> str:
    """A file size with its unit, as people read it: 980 字节, 12.3 KB, 4.5 MB."""
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
