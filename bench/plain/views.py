from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.generic import CreateView, DetailView, ListView

from bench.plain.forms import SignupForm
from bench.plain.models import Article


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


class ArticleListView(ListView):
    model = Article
    paginate_by = 20  # our ARTICLES_PER_PAGE (core/settings.py)

    def get_queryset(self):
        return Article.objects.select_related("author").order_by("-created_at", "-id")


class ArticleDetailView(DetailView):
    model = Article

    def get_queryset(self):
        return Article.objects.select_related("author")


class ArticleCreateView(LoginRequiredMixin, CreateView):
    model = Article
    fields = ["title", "content"]

    def form_valid(self, form):
        form.instance.author = self.request.user
        return super().form_valid(form)


def signup(request):
    if request.method == "POST":
        form = SignupForm(request.POST)
        if form.is_valid():
            user = form.save()
            login(request, user)
            return redirect("article_list")
    else:
        form = SignupForm()
    return render(request, "registration/signup.html", {"form": form})
