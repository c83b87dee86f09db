"""The programme office's pages for the questions of a call: add, edit, delete, move. The
services (documents/questions.py) refuse what the call's state does not allow (409)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from documents import questions, rules
from documents.models import Call, CallQuestion
from documents.question_forms import QuestionForm
from mbk.exceptions import ActionRefusedError


def _back(call: Call) -> str:
    return f"{reverse('documents:call-detail', args=[call.pk])}#questions"


@login_required
def question_add(request, pk: int):
    call = get_object_or_404(Call, pk=pk)
    rules.require(rules.can_manage_calls, request.user)
    form = QuestionForm(request.POST or None, call=call)
    if request.method == "POST" and form.is_valid():
        questions.question_add(call_id=call.pk, by=request.user, data=form.data_of())
        messages.success(request, _("The question is added to the call."))
        return redirect(_back(call))
    context = {"call": call, "form": form, "locked": questions.is_locked(call)}
    return render(request, "documents/question_form.html", context)


@login_required
def question_edit(request, pk: int):
    question = get_object_or_404(CallQuestion.objects.select_related("call"), pk=pk)
    rules.require(rules.can_manage_calls, request.user)
    call = question.call
    if questions.is_locked(call):  # the form would only lead to the same refusal
        raise ActionRefusedError(questions.LOCKED_MESSAGE)
    form = QuestionForm(request.POST or None, call=call, question=question)
    if request.method == "POST" and form.is_valid():
        questions.question_edit(question_id=question.pk, by=request.user, data=form.data_of())
        messages.success(request, _("The question is saved."))
        return redirect(_back(call))
    context = {"call": call, "form": form, "question": question}
    return render(request, "documents/question_form.html", context)


@login_required
@require_POST
def question_delete(request, pk: int):
    question = get_object_or_404(CallQuestion.objects.select_related("call"), pk=pk)
    call = questions.question_delete(question_id=question.pk, by=request.user)
    messages.success(request, _("The question is deleted."))
    return redirect(_back(call))


@login_required
@require_POST
def question_move(request, pk: int):
    """Move a question one place up or down (`to` = "up" or "down")."""
    question = get_object_or_404(CallQuestion.objects.select_related("call"), pk=pk)
    order = list(question.call.questions.values_list("pk", flat=True))
    at = order.index(question.pk)
    step = -1 if request.POST.get("to") == "up" else 1
    if 0 <= at + step < len(order):
        order[at], order[at + step] = order[at + step], order[at]
    questions.questions_reorder(call_id=question.call_id, by=request.user, order=order)
    return redirect(_back(question.call))
